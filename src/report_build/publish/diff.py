"""What changed between two versions of a manuscript: sections added, removed and changed.

Each side is a manuscript path or a git revision (the manuscript's folder at that revision).
The result is a short PDF (or HTML) with the changed passages shown old against new.
"""

from __future__ import annotations

import difflib
import html
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

import lxml.html

from ..build import load
from ..errors import Diagnostics, ManuscriptError
from ..model import Document
from ..theme import Theme
from ..writers.pdf.geometry import page_css
from ..writers.pdf.layout import lay_out_html

BLOCKS = ("p", "li", "dt", "dd", "td", "th", "figcaption", "caption", "pre")


@dataclass(frozen=True)
class Part:
    key: str  # chapter id / section id
    title: str  # "Chapter › Section"
    blocks: tuple[str, ...]  # the passages, as plain text


@dataclass
class Change:
    title: str
    kind: str  # added | removed | changed
    rows: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, old html, new html)


def resolve(spec: str, manuscript: str, workdir: Path) -> tuple[Path, str]:
    """A manuscript path as given, or the manuscript's folder checked out from a git revision."""
    path = Path(spec)
    if path.is_file():
        return path, str(path)
    folder = Path(manuscript).parent
    try:
        top = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"], capture_output=True, text=True, check=True
        ).stdout.strip()
        relative = folder.resolve().relative_to(top)
        archive = subprocess.run(
            ["git", "archive", "--format=tar", spec, "--", relative.as_posix() or "."],
            capture_output=True,
            check=True,
            cwd=top,
        ).stdout
    except (subprocess.CalledProcessError, FileNotFoundError, ValueError):
        raise ManuscriptError(f"'{spec}' is neither a manuscript file nor a git revision holding {folder}") from None
    target = workdir / spec.replace("/", "_")
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target / relative / Path(manuscript).name, f"{spec}:{Path(manuscript).as_posix()}"


def parts(doc: Document) -> dict[str, Part]:
    found: dict[str, Part] = {}
    for chapter in doc.chapters:
        root = lxml.html.fragment_fromstring(chapter.body, create_parent="div")
        current_key, current_title, blocks = chapter.id, chapter.title or doc.metadata.title, []
        for element in root.iter():
            if element.tag == "h2" and element.get("id"):
                found[current_key] = Part(current_key, current_title, tuple(blocks))
                current_key = element.get("id")
                current_title = f"{chapter.title} › {_text(element)}"
                blocks = []
            elif element.tag in BLOCKS and not element.xpath("ancestor::p|ancestor::li|ancestor::td|ancestor::th"):
                text = _text(element)
                if text:
                    blocks.append(text)
        found[current_key] = Part(current_key, current_title, tuple(blocks))
    return found


def _text(element: lxml.html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def compare(old: Document, new: Document) -> list[Change]:
    before, after = parts(old), parts(new)
    changes: list[Change] = []
    for key, part in after.items():
        if key not in before:
            changes.append(Change(part.title, "added", [("insert", "", _esc(b)) for b in part.blocks]))
        elif before[key].blocks != part.blocks:
            changes.append(Change(part.title, "changed", _rows(before[key].blocks, part.blocks)))
    for key, part in before.items():
        if key not in after:
            changes.append(Change(part.title, "removed", [("delete", _esc(b), "") for b in part.blocks]))
    return changes


def _rows(old: tuple[str, ...], new: tuple[str, ...]) -> list[tuple[str, str, str]]:
    rows = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            continue
        olds, news = list(old[a1:a2]), list(new[b1:b2])
        for index in range(max(len(olds), len(news))):
            left = olds[index] if index < len(olds) else ""
            right = news[index] if index < len(news) else ""
            rows.append((op, *_word_diff(left, right)))
    return rows


def _word_diff(old: str, new: str) -> tuple[str, str]:
    if not old or not new:
        return _esc(old), _esc(new)
    a, b = old.split(), new.split()
    left, right = [], []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            left.append(_esc(" ".join(a[a1:a2])))
            right.append(_esc(" ".join(b[b1:b2])))
            continue
        if a1 != a2:
            left.append(f"<del>{_esc(' '.join(a[a1:a2]))}</del>")
        if b1 != b2:
            right.append(f"<ins>{_esc(' '.join(b[b1:b2]))}</ins>")
    return " ".join(left), " ".join(right)


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def diff(
    old_spec: str,
    new_spec: str,
    manuscript: str = "manuscript/report.md",
    diagnostics: Diagnostics | None = None,
    fmt: str = "pdf",
) -> bytes:
    """The changes document between two versions, as PDF (or HTML) bytes."""
    diagnostics = diagnostics or Diagnostics()
    with tempfile.TemporaryDirectory(prefix="report-build-diff.") as workdir:
        old_path, old_label = resolve(old_spec, manuscript, Path(workdir))
        new_path, new_label = resolve(new_spec, manuscript, Path(workdir))
        quiet = Diagnostics(echo=False)
        old, new = load(old_path, quiet), load(new_path, quiet)
        theme = Theme(new.metadata.layouts, new.metadata.language, diagnostics)
        page = theme.render(
            "diff.html",
            old=old,
            new=new,
            old_label=old_label,
            new_label=new_label,
            changes=compare(old, new),
            meta=new.metadata,
        )
        if fmt == "html":
            diagnostics.refuse()
            return page.encode("utf-8")
        data = lay_out_html(
            page,
            theme=theme,
            root=new.root,
            source=new.source,
            stylesheets=("css/diff.css",),
            page=page_css(new, theme),
            diagnostics=diagnostics,
        ).write()
        diagnostics.refuse()  # with --strict: the layout's faults, before the command writes
        return data
