"""DAISY Ace, the EPUB accessibility checker, on the default report's ePub.

Ace and Chromium come from `make ace-deps`. Without them the Ace run is skipped on a
developer's machine, but fails under CI (CI set), where the Makefile installs them.
"""

from __future__ import annotations

import os
import zipfile

import pytest

from conftest import MANUSCRIPT, build_bytes
from report_build.checks.ace import ace_missing, parse_report, run_ace


def _require_ace() -> None:
    problem = ace_missing()
    if problem is None:
        return
    if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        pytest.fail(f"CI must run DAISY Ace: {problem}")
    pytest.skip(problem)


@pytest.mark.e2e
def test_default_epub_has_no_critical_or_serious_findings(tmp_path):
    _require_ace()
    book = tmp_path / "report.epub"
    book.write_bytes(build_bytes(MANUSCRIPT, "epub"))
    report = run_ace(book, timeout=120)
    print(report.summary())  # every finding, moderate and minor too, shows with a failure
    assert report.ace_version, "Ace's report names no Ace version: was it read at all?"
    assert not report.blocking, "DAISY Ace found critical or serious problems:\n" + report.summary()


def _assertion(impact: str, rule: str, message: str, **result: object) -> dict:
    return {
        "@type": "earl:assertion",
        "earl:result": {"earl:outcome": "fail", "dct:description": message, **result},
        "earl:assertedBy": "aXe",
        "earl:test": {"earl:impact": impact, "dct:title": rule, "help": {"url": f"https://kb.example/{rule}"}},
    }


def test_report_parsing_places_findings_inside_the_epub(tmp_path):
    """Ace's report.json shape (Ace 1.4): package named from the root, documents from the OPF folder."""
    book = tmp_path / "book.epub"
    with zipfile.ZipFile(book, "w") as package:
        package.writestr("mimetype", "application/epub+zip")
        package.writestr(
            "META-INF/container.xml",
            '<container xmlns="urn:oasis:names:tc:opendocument:xmlns:container" version="1.0"><rootfiles>'
            '<rootfile full-path="EPUB/content.opf" media-type="application/oebps-package+xml"/>'
            "</rootfiles></container>",
        )
        for name in ("EPUB/content.opf", "EPUB/colophon.xhtml", "EPUB/nav.xhtml"):
            package.writestr(name, "")
    report = {
        "earl:assertedBy": {"doap:release": {"doap:revision": "1.4.6"}},
        "earl:result": {"earl:outcome": "fail"},
        "a11y-metadata": {"missing": ["a11y:certifiedBy"]},
        "assertions": [
            {"earl:result": {"earl:outcome": "pass"}, "assertions": [], "earl:testSubject": {"url": "/EPUB/nav.xhtml"}},
            {
                "earl:result": {"earl:outcome": "fail"},
                "earl:testSubject": {"url": "EPUB/content.opf"},
                "assertions": [_assertion("serious", "epub-lang", "The language must be specified")],
            },
            {
                "earl:result": {"earl:outcome": "fail"},
                "earl:testSubject": {"url": "colophon.xhtml"},
                "assertions": [
                    _assertion(
                        "moderate",
                        "epub-type-has-matching-role",
                        "Element has no ARIA role matching its epub:type",
                        **{"earl:pointer": {"cfi": ["/4"], "css": ["body"]}, "html": '<body\n  class="x">'},
                    ),
                    {"earl:result": {"earl:outcome": "pass"}, "earl:test": {"dct:title": "ok"}},
                ],
            },
        ],
    }
    parsed = parse_report(report, book)
    assert parsed.ace_version == "1.4.6" and parsed.outcome == "fail"
    assert parsed.missing_metadata == ("a11y:certifiedBy",)
    assert [(f.impact, f.rule, f.file) for f in parsed.findings] == [
        ("serious", "epub-lang", "EPUB/content.opf"),
        ("moderate", "epub-type-has-matching-role", "EPUB/colophon.xhtml"),
    ]
    assert [f.rule for f in parsed.blocking] == ["epub-lang"]
    moderate = parsed.findings[1]
    assert moderate.location == "cfi /4; css body"
    assert moderate.snippet == '<body class="x">'
    assert "MODERATE epub-type-has-matching-role EPUB/colophon.xhtml [cfi /4; css body]" in parsed.summary()
