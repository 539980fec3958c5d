"""Shared helpers: build in memory, read PDFs with real tools (pikepdf, poppler)."""

from __future__ import annotations

import importlib.util
import os
import re
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from report_build import Diagnostics, build

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
MANUSCRIPT = ROOT / "manuscript" / "report.md"
SHARED = ROOT.parent / "shared"
REALWORLD = SHARED / "realworld"


SPREAD = frozenset({"test_bad_input.py", "test_realworld.py"})
"""Test files whose tests `make test` may run on different workers: their fixtures are cheap, or
shared only by the tests of one real-world document (which stay together)."""


def group_of(nodeid: str) -> str:
    """The tests one worker runs together, one after another, in `make test`: a file's tests, so
    that a fixture the file shares is built once; in the files of :data:`SPREAD` each test alone,
    but a real-world document's tests (same parameter id: its folder) together, for its one build.

    >>> group_of("tests/a/test_x.py::test_one[p]")
    'tests/a/test_x.py'
    >>> group_of("tests/test_realworld.py::test_pages[cmdline-en]")
    'tests/test_realworld.py[cmdline-en]'
    """
    path, _, rest = nodeid.partition("::")
    if Path(path).name not in SPREAD:
        return path
    return f"{path}[{rest.rsplit('[', 1)[1]}" if rest.endswith("]") else nodeid


SLOW_FIRST = (
    "test_web_browser.py",
    "test_realworld.py",
    "test_parallel.py",
    "test_gate.py",
    "test_workers.py",
    "test_preview_e2e.py",
    "test_arabic.py",
    "test_epub.py",
    "test_glyphs.py",
    "test_corpus.py",
)
"""Files whose tests take minutes (fixtures that lay out and check whole reports): `make test`
starts them first, so that no worker is left with one of them while the other has finished."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The files of :data:`SLOW_FIRST` first, in that order; the rest as collected (a stable sort:
    a file's tests stay together and in order)."""
    rank = {name: index for index, name in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(SLOW_FIRST)))


def pytest_configure(config: pytest.Config) -> None:
    """Ctrl-C as a terminal has it. A suite started as a background job of a shell without job
    control inherits SIGINT ignored, and so would every process the tests start; the tests of
    interruption (workers, the preview, atomic writes) need Python's own handler."""
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


try:  # pytest-xdist, a test dependency (`make test` runs the suite on every core)
    from xdist.scheduler import LoadScopeScheduling
except ImportError:  # pragma: no cover - one process, nothing to share out
    LoadScopeScheduling = None
else:

    class GroupScheduling(LoadScopeScheduling):
        """pytest-xdist's scope scheduling (a group goes whole to one worker, in collection
        order) with :func:`group_of` as the scope. Its own ``loadgroup`` marks tests by
        rewriting their ids, which pytest 9.2 no longer reads, so the groups are drawn here."""

        def __init__(self, config: pytest.Config, log: object = None) -> None:
            super().__init__(config, log)
            self.config.option.loadscopereorder = False  # collection order: SLOW_FIRST first

        def _split_scope(self, nodeid: str) -> str:
            return group_of(nodeid)

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
        """`make test` passes ``--dist loadgroup``: share the tests out by :func:`group_of`."""
        if config.getvalue("dist") == "loadgroup":
            return GroupScheduling(config, log)
        return None


@contextmanager
def bench_module(name: str) -> Iterator[ModuleType]:
    """``bench/<name>.py`` imported for the time of the block (registered in ``sys.modules``,
    where its dataclasses look their module up, and taken out again after)."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)


def require_browser() -> None:
    """Skip a test that needs the browser checks (Chromium, Node, axe-core) where they cannot run;
    under CI, which must run them, fail it."""
    from report_build.checks import browser

    problem = browser.missing()
    if problem is None:
        return
    if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        pytest.fail(f"CI must run the browser checks: {problem}")
    pytest.skip(problem)


def build_bytes(manuscript: Path, fmt: str = "pdf", strict: bool = True, **kwargs: object) -> bytes:
    """Build one format in memory; with strict, any warning (WeasyPrint's included) fails."""
    diagnostics = Diagnostics(strict=strict, echo=False)
    (result,) = build(manuscript, (fmt,), write=False, diagnostics=diagnostics, **kwargs)
    return result.data


def read_chapters(tmp_path: Path, body: str) -> tuple[Any, Diagnostics]:
    """``body`` read as the text of a report's first chapter ("# One"), in memory: its chapters'
    HTML as one lxml tree, and the diagnostics (no layout)."""
    import lxml.html

    from report_build import load

    manuscript = tmp_path / "report.md"
    manuscript.write_text("---\ntitle: T\n---\n\n# One\n\n" + body, encoding="utf-8")
    diagnostics = Diagnostics(echo=False)
    document = load(manuscript, diagnostics)
    html = "".join(chapter.body for chapter in document.chapters)
    return lxml.html.fragment_fromstring(html, create_parent="div"), diagnostics


def _poppler(tool: str, data: bytes, *args: str) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        return subprocess.run(
            [tool, *args, handle.name, "-"] if tool == "pdftotext" else [tool, *args, handle.name],
            check=True,
            capture_output=True,
            text=True,
        ).stdout


def pdf_pages(data: bytes, layout: bool = False) -> list[str]:
    """Text of each page, by poppler's pdftotext."""
    text = _poppler("pdftotext", data, *(["-layout"] if layout else []))
    return text.split("\f")[:-1]


def pdf_fonts(data: bytes) -> list[dict[str, str]]:
    """Rows of poppler's pdffonts: name, type, embedded, subset."""
    lines = _poppler("pdffonts", data).splitlines()[2:]
    rows = []
    for line in lines:
        parts = line.split()
        # name type... encoding emb sub uni object-id generation
        rows.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return rows


def words_past_the_edge(data: bytes, tolerance: float = 0.5) -> list[tuple[int, str]]:
    """(page number, word) for every word whose box lies, even in part, outside its page's trim
    box (the media box when there is none). Word boxes from poppler's ``pdftotext -bbox`` (the
    same boxes pdfplumber gives, fifty times faster), in points from the top left of the page."""
    import io

    import pikepdf
    from lxml import etree

    with pikepdf.open(io.BytesIO(data)) as pdf:
        boxes = []
        for page in pdf.pages:
            media = [float(v) for v in page.obj.MediaBox]
            trim = [float(v) for v in page.obj.get("/TrimBox", page.obj.MediaBox)]
            boxes.append((trim[0] - media[0], media[3] - trim[3], trim[2] - media[0], media[3] - trim[1]))
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        out = subprocess.run(["pdftotext", "-bbox", handle.name, "-"], check=True, capture_output=True).stdout
    root = etree.fromstring(out, etree.XMLParser(recover=True, huge_tree=True, resolve_entities=False))
    found = []
    for number, page in enumerate(root.iter("{*}page"), 1):
        left, top, right, bottom = boxes[number - 1]
        for word in page.iter("{*}word"):
            x0, y0, x1, y1 = (float(word.get(key)) for key in ("xMin", "yMin", "xMax", "yMax"))
            if x0 < left - tolerance or y0 < top - tolerance or x1 > right + tolerance or y1 > bottom + tolerance:
                found.append((number, word.text or ""))
    return found


def squash(text: str) -> str:
    """Letters and digits only, lower case: compares text across line breaks and hyphenation."""
    return re.sub(r"[^0-9a-z]", "", text.lower())


@pytest.fixture(scope="session")
def default_pdf() -> bytes:
    return build_bytes(MANUSCRIPT)


@pytest.fixture(scope="session")
def arabic_edition(tmp_path_factory) -> Path:
    """The sample's Arabic edition (manuscript/translations/ar.po), built once for the session,
    strictly, in one pass: output/ with its screen and print PDFs and its ePub, by their names."""
    from report_build import build

    out = tmp_path_factory.mktemp("arabic")
    strict = Diagnostics(strict=True, echo=False)
    build(MANUSCRIPT, ("pdf", "epub"), output_dir=out, language="ar", diagnostics=strict, jobs=1)
    build(MANUSCRIPT, ("pdf",), output_dir=out, language="ar", edition="print", diagnostics=strict, jobs=1)
    return out


@pytest.fixture(scope="session")
def default_document():
    from report_build import load

    return load(MANUSCRIPT, Diagnostics(strict=True, echo=False))
