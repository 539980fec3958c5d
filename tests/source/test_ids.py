"""Heading ids the GitHub way in every script, the other conventions as aliases, raw ids made valid."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from report_build import Diagnostics, load
from report_build.errors import ReportBuildError, StrictModeError
from report_build.source import ids
from report_build.source.ids import Anchors, github_slug, kramdown_slug, normalise, pandoc_slug, python_markdown_slug


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        # Latin: lower case, punctuation dropped, each space a hyphen, - and _ kept
        ("CNCF TAG-Security/Harbor Project Self-Assessment", "cncf-tag-securityharbor-project-self-assessment"),
        ("What's new in 2.0?", "whats-new-in-20"),
        ("snake_case and  two spaces", "snake_case-and--two-spaces"),
        ("Café à la crème", "café-à-la-crème"),
        # Cyrillic
        ("Ежедневное использование", "ежедневное-использование"),
        ("Описание", "описание"),
        # Greek
        ("Εισαγωγή: Τι είναι;", "εισαγωγή-τι-είναι"),
        # CJK
        ("メタ情報", "メタ情報"),
        ("第一章（概要）", "第一章概要"),
        # Arabic script (Persian): the zero-width non-joiner is a format character and goes, as on GitHub
        ("بررسی چک لیست قبل از مشارکت در پروژه\u200cی متن باز", "بررسی-چک-لیست-قبل-از-مشارکت-در-پروژهی-متن-باز"),
        ("السياق: إدلب", "السياق-إدلب"),
        # Devanagari: vowel signs and viramas are marks, and stay
        ("किसी भी स्क्रिप्ट में!", "किसी-भी-स्क्रिप्ट-में"),
        # Tamil
        ("தமிழ் தலைப்பு (அறிமுகம்)", "தமிழ்-தலைப்பு-அறிமுகம்"),
        # digits of other scripts are digits; emoji are dropped
        ("٣ نقاط 🚀", "٣-نقاط-"),
    ],
)
def test_github_slug_in_every_script(text, slug):
    assert github_slug(text) == slug


def test_other_conventions_slugs():
    text = "1. Context: Idlib's Öffnung"
    assert python_markdown_slug(text) == "1-context-idlibs-offnung"
    assert kramdown_slug(text) == "context-idlibs-ffnung"
    assert pandoc_slug(text) == "context-idlibs-öffnung"
    assert kramdown_slug("??") == pandoc_slug("2024") == "section"


def test_ids_are_valid_and_invalid_ones_normalised():
    assert ids.is_valid("1-introduction") and ids.is_valid("メタ情報") and ids.is_valid("a:b")
    assert not ids.is_valid("") and not ids.is_valid("a b") and not ids.is_valid("a\tb")
    assert normalise("malloc (dealloc, ptr-index)") == "malloc-dealloc-ptr-index"
    assert normalise("   ") == "section"


def test_slugger_numbers_repeats_the_github_way_around_taken_ids():
    slugger = ids.Slugger({"intro-1"})
    assert [slugger("intro"), slugger("intro"), slugger("intro"), slugger("other")] == [
        "intro",
        "intro-2",
        "intro-3",
        "other",
    ]


def test_alias_resolution_order():
    anchors = Anchors()
    anchors.alias("old", "new")
    anchors.alias("old", "later")  # the first heading to claim an alias keeps it
    anchors.alias("same", "same")  # an alias to itself is no alias
    real = {"new", "описание", "old-real"}
    assert anchors.resolve("old", real) == "new"
    assert anchors.resolve("%D0%9E%D0%BF%D0%B8%D1%81%D0%B0%D0%BD%D0%B8%D0%B5", real) == "описание"
    assert anchors.resolve("Описание", real) == "описание"
    assert anchors.resolve("nowhere", real) is None
    assert "same" not in anchors.aliases
    anchors.alias("old-real", "new")
    assert anchors.resolve("old-real", real) == "old-real"  # an alias never shadows a real id


def _document(tmp_path: Path, body: str, strict: bool = False):
    manuscript = tmp_path / "report.md"
    manuscript.write_text("---\ntitle: T\n---\n\n" + body, encoding="utf-8")
    diagnostics = Diagnostics(strict=strict, echo=False)
    return load(manuscript, diagnostics), diagnostics


def _body(document) -> lxml.html.HtmlElement:
    return lxml.html.fragment_fromstring("".join(c.body for c in document.chapters), create_parent="div")


def test_headings_get_github_ids_and_links_in_every_convention_are_rewritten(tmp_path):
    document, diagnostics = _document(
        tmp_path,
        "# Описание\n\n"
        "[a](#Описание) [b](#%D0%BE%D0%BF%D0%B8%D1%81%D0%B0%D0%BD%D0%B8%D0%B5) [c](#section)\n\n"
        "# CNCF TAG-Security/Harbor Self-Assessment\n\n[d](#cncf-tag-securityharbor-self-assessment)\n\n"
        "# What's new in 2.0? Café\n\n"
        "[e](#whats-new-in-20-café) [f](#whats-new-in-20-cafe)"
        " [g](#whats-new-in-2.0-café) [h](#whats-new-in-20-caf)\n\n"
        "# Context: Idlib {#context}\n\n[i](#context-idlib) [j](#context)\n\n"
        "# Methods\n\nText.\n\n# Methods\n\n[k](#methods_1) [l](#methods-1)\n\n"
        "# Contents\n\n[m](#contents)\n",
    )
    root = _body(document)
    headings = [h.get("id") for h in root.xpath("//h1")]
    assert headings == [
        "описание",
        "cncf-tag-securityharbor-self-assessment",
        "whats-new-in-20-café",
        "context",
        "methods",
        "methods-1",
        "contents-1",  # "contents" is the layouts' own id
    ]
    hrefs = [a.get("href") for a in root.xpath("//a[not(@role)]")]
    assert hrefs == [
        "#описание",  # GitHub's link as GitHub READMEs write it (capital letter)
        "#описание",  # percent-encoded
        "#описание",  # kramdown's slug of a heading without a Latin letter
        "#cncf-tag-securityharbor-self-assessment",
        "#whats-new-in-20-café",  # GitHub
        "#whats-new-in-20-café",  # Python-Markdown (ASCII), as ids were before
        "#whats-new-in-20-café",  # pandoc
        "#whats-new-in-20-café",  # kramdown
        "#context",  # GitHub's slug of a heading with {#id}
        "#context",
        "#methods-1",  # Python-Markdown's numbering
        "#methods-1",
        "#contents-1",
    ]
    renumbered = [w for w in diagnostics.warnings if "same id 'methods'" in w.message]
    assert [w.line for w in renumbered] == [25], diagnostics.warnings


def test_explicit_id_wins_over_a_slug(tmp_path):
    document, _ = _document(tmp_path, "# Intro\n\nText.\n\n# Other {#intro}\n\n[x](#intro)\n")
    root = _body(document)
    assert [h.get("id") for h in root.xpath("//h1")] == ["intro-1", "intro"]
    assert root.xpath("//a/@href") == ["#intro"]


def test_html4_anchor_and_invalid_raw_ids_become_valid_with_a_warning(tmp_path):
    document, diagnostics = _document(
        tmp_path,
        "# One\n\n"
        '<a name="old-anchor"></a>Anchored text.\n\n'
        '| a | b |\n|---|---|\n| <span id="malloc (dealloc, ptr-index)">`malloc`</span> | x |\n\n'
        "[to the anchor](#old-anchor) [to the span](#malloc%20(dealloc,%20ptr-index))"
        " [github style](#malloc-dealloc-ptr-index)\n",
    )
    root = _body(document)
    assert root.xpath("//a[@id='old-anchor']") and not root.xpath("//@name")
    assert root.xpath("//span/@id") == ["malloc-dealloc-ptr-index"]
    assert root.xpath("//a[@href]/@href") == ["#old-anchor", "#malloc-dealloc-ptr-index", "#malloc-dealloc-ptr-index"]
    lines = {w.line: w.message for w in diagnostics.warnings}
    assert "'malloc (dealloc, ptr-index)' is not valid" in lines.get(11, ""), diagnostics.warnings


def test_raw_id_used_twice_is_renamed_and_links_land_on_the_first(tmp_path):
    document, diagnostics = _document(
        tmp_path, '# One\n\n<span id="x">first</span>\n\n<span id="x">second</span>\n\n[go](#x)\n'
    )
    root = _body(document)
    assert root.xpath("//span/@id") == ["x", "x-1"]
    assert [w.line for w in diagnostics.warnings if "used twice" in w.message] == [9]


def test_an_html4_anchor_used_twice_gets_a_new_id_too(tmp_path):
    document, diagnostics = _document(
        tmp_path, '# One\n\n<a name="x"></a>First.\n\n<a name="x"></a>Second.\n\n[go](#x)\n'
    )
    assert _body(document).xpath("//a[not(@href)]/@id") == ["x", "x-1"]
    assert [w.message for w in diagnostics.warnings if "used twice" in w.message] == [
        "id 'x' is used twice; the second becomes 'x-1', so links land on the first"
    ]


def test_link_that_goes_nowhere_is_a_warning_and_plain_text_in_a_draft(tmp_path):
    document, diagnostics = _document(tmp_path, "# One\n\nSee [there](#nowhere) now.\n")
    root = _body(document)
    assert not root.xpath("//a[@href]") and "See there now." in root.text_content()
    (warning,) = diagnostics.warnings
    assert warning.line == 7 and "'#nowhere' goes nowhere" in warning.message
    with pytest.raises(ReportBuildError) as info:  # --strict
        _document(tmp_path, "# One\n\nSee [there](#nowhere) now.\n", strict=True)
    assert info.value.line == 7


def test_link_that_goes_nowhere_is_refused_by_a_strict_reading(tmp_path):
    manuscript = tmp_path / "report.md"
    manuscript.write_text("# One\n\nSee [there](#nowhere).\n", encoding="utf-8")
    with pytest.raises(StrictModeError) as info:
        load(manuscript, Diagnostics(echo=False, strict=True))
    assert info.value.line == 3 and "goes nowhere" in info.value.message


def test_a_link_to_the_title_heading_lands_at_the_start(tmp_path):
    manuscript = tmp_path / "report.md"
    manuscript.write_text("# The Title\n\n[top](#the-title)\n\n## Part\n\nText.\n", encoding="utf-8")
    document = load(manuscript, Diagnostics(strict=True, echo=False))
    root = _body(document)
    assert document.metadata.title == "The Title"
    assert root.xpath("//a/@href") == ["#the-title"] and root.xpath("//*[@id='the-title']")


def test_footnote_called_many_times_gets_unique_call_ids(tmp_path):
    calls = " ".join(f"Call {n}.[^{'a' if n % 3 else 'b'}]" for n in range(1, 60))
    document, _ = _document(tmp_path, f"# One\n\n{calls}\n\n[^a]: Note A.\n[^b]: Note B.\n")
    root = _body(document)
    found = root.xpath("//@id")
    assert len(found) == len(set(found)), sorted(i for i in found if found.count(i) > 1)
    refs = root.xpath("//a[@role='doc-noteref']/@id")
    assert refs[:4] == ["fnref-1", "fnref-1-2", "fnref-2", "fnref-1-3"], refs[:4]


def test_generated_ids_never_take_a_manuscript_id(tmp_path):
    document, _ = _document(
        tmp_path,
        "# One {#fn-1}\n\nText.[^a]\n\nTable: Caption\n\n| a |\n|---|\n| 1 |\n\n"
        '<span id="table-1">x</span> <span id="fnref-1">y</span>\n\n[^a]: Note.\n',
    )
    root = _body(document)
    found = root.xpath("//@id")
    assert len(found) == len(set(found)), found
    assert document.footnotes[0].id != "fn-1" and root.xpath("//a[@role='doc-noteref']/@href") == [
        f"#{document.footnotes[0].id}"
    ]


def test_an_id_the_layouts_use_is_renamed_and_links_follow(tmp_path):
    document, diagnostics = _document(tmp_path, "# Our contents {#contents}\n\n[top](#contents)\n")
    root = _body(document)
    assert root.xpath("//h1/@id") == ["contents-1"] and root.xpath("//a/@href") == ["#contents-1"]
    assert [w.line for w in diagnostics.warnings if "layouts give their own pages" in w.message] == [5]


def test_a_tab_in_a_heading_is_dropped_as_on_github(tmp_path):
    manuscript = tmp_path / "report.md"
    manuscript.write_text(
        "# CNCF TAG-Security\tHarbor Self Assessment\n\n- [top](#cncf-tag-securityharbor-self-assessment)\n"
        "- [part](#tabbedpart)\n\n## Tabbed\tPart\n\nText.\n",
        encoding="utf-8",
    )
    document = load(manuscript, Diagnostics(strict=True, echo=False))
    root = _body(document)
    assert root.xpath("//a/@href") == ["#cncf-tag-security-harbor-self-assessment", "#tabbed-part"]


def test_every_fixed_id_of_the_layouts_is_reserved():
    """A new fixed id in a report template must join contract.LAYOUT_IDS, or a heading may take it."""
    import re

    from report_build.contract import LAYOUT_IDS

    layouts = Path(__file__).resolve().parents[2] / "layouts"
    templates = [*layouts.glob("*.html"), *layouts.glob("epub/*.xhtml")]
    fixed = {
        ident
        for template in templates
        if template.name not in ("downloads.html", "diff.html")  # pages of their own, not the report
        for ident in re.findall(r'\bid="([^"{}]+)"', template.read_text(encoding="utf-8"))
    }
    assert fixed and fixed <= LAYOUT_IDS, sorted(fixed - LAYOUT_IDS)
