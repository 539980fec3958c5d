"""EPUBCheck kept running between books gives each book its own findings, as its command line would."""

from __future__ import annotations

import io
import zipfile

import pytest

from conftest import FIXTURES
from report_build import Diagnostics, build
from report_build.checks.validators import EpubCheckRunner

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> dict[str, object]:
    out = tmp_path_factory.mktemp("books")
    (epub,) = [
        o.path
        for o in build(FIXTURES / "basic" / "report.md", ("epub",), output_dir=out, diagnostics=Diagnostics(echo=False))
    ]
    source = zipfile.ZipFile(epub)
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as copy:  # the navigation document left out
        for item in source.infolist():
            if not item.filename.endswith("nav.xhtml"):
                copy.writestr(item, source.read(item))
    (out / "broken.epub").write_bytes(broken.getvalue())
    return {"clean": epub, "broken": out / "broken.epub"}


def test_findings_stay_with_their_book_and_a_dead_process_is_started_again(books):
    with EpubCheckRunner() as runner:
        first = runner.check(books["clean"])
        broken = runner.check(books["broken"])
        again = runner.check(books["clean"])
        runner._process.kill()  # a Java process that died between books
        runner._process.wait()
        after = runner.check(books["clean"])
    assert first == again == after == []
    assert [(f.code, f.file) for f in broken] == [("RSC-001", "EPUB/nav.xhtml")], broken
