"""`report-build new`: start a report in a new folder, ready to build with `make pdf`.

The files come from the default layouts' ``new/`` folder: ``new/common/`` for every report
(Makefile, README, the layout-override folder and its note), ``new/<language>/`` for the
manuscript, changelog and example figure in the report's language. A file ending ``.tmpl`` is
a Jinja2 template (not one a build loads: builds render only .html, .xhtml, .xml and .jinja
files) rendered with the title, language, identifier and date; every other file is copied as
it is. ``gitignore`` becomes ``.gitignore`` (a dotfile would not travel in the wheel).

``report-build import`` (:mod:`report_build.importers.word`) fills a folder the same way, with
the imported manuscript and images in place of the example's (``contents``).

Invariants: the folder must be new or empty, and is filled all at once (the files are made in a
temporary folder beside it, then moved in), so a failure leaves nothing half-written; the
report builds with no warning, its language being one the strings files know.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import tempfile
import uuid
from pathlib import Path

import jinja2

from .errors import ScaffoldError
from .theme import SOURCE_LAYOUTS, default_layouts

LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")
TEMPLATE_SUFFIX = ".tmpl"
RENAMED = {"gitignore": ".gitignore"}


KEPT_FROM_EXAMPLE = ("changelog.yaml",)  # what an imported report takes from the example text


def new_report(
    folder: Path | str,
    title: str | None = None,
    language: str = "en",
    contents: dict[str, bytes] | None = None,
) -> list[Path]:
    """Fill ``folder`` with a new report; return the files written, manuscript first.

    ``contents``: the manuscript folder's own files (``report.md``, ``images/...``), written
    instead of the example's manuscript and figure; the changelog and the common files (Makefile,
    README, layouts folder) are made as for any new report."""
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        what = "is not a folder" if not folder.is_dir() else "is not empty"
        raise ScaffoldError(f"{what}: a new report needs a new or empty folder", folder)
    layouts = default_layouts()
    primary = _language(language, layouts)
    context = {
        "title": " ".join((title or "").split()) or _title_from(folder),  # one line: it goes in comments too
        "language": language,
        "uuid": str(uuid.uuid4()),  # the report's identifier, made once and kept in its front matter
        "date": dt.date.today().isoformat(),
        "year": dt.date.today().year,
        # A clone's Makefile can build the report with the clone's own virtual environment.
        "clone": str(SOURCE_LAYOUTS.parent) if layouts == SOURCE_LAYOUTS else "",
    }
    example = _sources(layouts / "new" / primary)
    if contents is not None:
        example = {name: path for name, path in example.items() if name in KEPT_FROM_EXAMPLE}
    sources = _sources(layouts / "new" / "common") | example
    parent = folder.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{folder.name}-", dir=parent) as scratch:
        staging = Path(scratch) / "report"
        written = [_make(staging, name, source, context) for name, source in sorted(sources.items())]
        for name, data in sorted((contents or {}).items()):
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            written.append(Path(name))
        if folder.is_dir():
            folder.rmdir()  # empty: checked above
        staging.rename(folder)
    written.sort(key=lambda path: (path.name != "report.md", str(path)))
    return [folder / path for path in written]


def _language(language: str, layouts: Path) -> str:
    """The primary language subtag, once the strings files and the scaffold both know it."""
    if not LANGUAGE_TAG.fullmatch(language):
        raise ScaffoldError(f"'{language}' is not a language tag (BCP 47, such as en, en-GB, ar, fr)")
    primary = language.split("-")[0].lower()
    known = sorted(
        path.name
        for path in (layouts / "new").iterdir()
        if path.is_dir() and (layouts / "strings" / f"{path.name}.yaml").is_file()
    )
    if primary not in known:
        raise ScaffoldError(
            f"no strings file and example text for language '{language}': report-build has {', '.join(known)}; "
            f"start with one of them, then set `language:` in the front matter and add "
            f"layouts/strings/{primary}.yaml to the report's layouts folder (a copy of strings/en.yaml, translated)"
        )
    return primary


def _title_from(folder: Path) -> str:
    """``water-report`` gives "Water report"."""
    words = re.sub(r"[-_.\s]+", " ", folder.resolve().name).strip()
    return (words[:1].upper() + words[1:]) or "Report"


def _sources(root: Path) -> dict[str, Path]:
    """Relative name in the new report -> scaffold file."""
    found = {}
    for path in root.rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts:
            relative = path.relative_to(root)
            name = RENAMED.get(relative.name, relative.name).removesuffix(TEMPLATE_SUFFIX)
            found[str(relative.parent / name)] = path
    return found


def _make(staging: Path, name: str, source: Path, context: dict[str, object]) -> Path:
    target = staging / name
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.name.endswith(TEMPLATE_SUFFIX):
        env = jinja2.Environment(
            undefined=jinja2.StrictUndefined, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True
        )
        env.filters["yaml"] = lambda text: json.dumps(str(text), ensure_ascii=False)  # a quoted YAML scalar
        text = env.from_string(source.read_text(encoding="utf-8")).render(**context)
        target.write_text(text, encoding="utf-8")
    else:
        shutil.copyfile(source, target)
    return Path(name)
