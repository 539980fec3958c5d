"""Parallel layout's plan, in memory: which rules reach across pages, how the HTML is cut into
groups, what each group is handed over, and how a wrong guess is settled (no layout here)."""

from __future__ import annotations

import json

import cssselect2
import lxml.html
import pytest

from report_build.writers.pdf import groups, handover, layout_rules
from report_build.writers.pdf.handover import Handover, Laid, PageMap

THEME_CSS = """
.titlepage .title { string-set: report-title content(text); }
.chapter h1 { string-set: chapter-title content(text); }
.toc a::after { content: leader(". ") target-counter(attr(href url), page); }
a.xref-paged::after { content: " (p. " target-counter(attr(href url), page) ")"; }
@page :nth(1 of opening) { counter-reset: page 1; }
.footnote { float: footnote; }
"""


def report(chapters: int = 4, notes: tuple[int, ...] = (1, 0, 2, 1)) -> str:
    """A report as the PDF template writes one: cover, front matter with contents, chapters, back matter."""
    toc = "".join(f'<li><a href="#c{n}">Chapter {n}</a></li>' for n in range(chapters))
    body = "".join(
        f'<section class="chapter"><h1 id="c{n}">Chapter {n}</h1><p>{"word " * 2000}'
        + "".join('<span class="footnote">note</span>' for _ in range(notes[n % len(notes)]))
        + f'<a class="xref xref-paged" href="#c{(n + 1) % chapters}">next</a></p></section>'
        for n in range(chapters)
    )
    return (
        '<!DOCTYPE html><html><body class="pdf"><section class="cover">Cover</section>'
        '<div class="frontmatter"><section class="titlepage"><p class="title">Water Report</p></section>'
        f'<nav class="contents"><ul class="toc">{toc}</ul></nav></div>'
        f'<div class="mainmatter">{body}</div>'
        '<div class="backmatter"><section class="history" id="history">History</section></div></body></html>'
    )


@pytest.fixture
def rules() -> layout_rules.Rules:
    found = layout_rules.read_rules([THEME_CSS])
    assert isinstance(found, layout_rules.Rules)
    return found


def test_page_number_rules_are_repeated_with_the_handed_over_number(rules):
    assert rules.page_number_rules == (
        (".toc a::after", ".toc a[data-rb-page]::after", 'leader(". ") attr(data-rb-page)'),
        ("a.xref-paged::after", "a.xref-paged[data-rb-page]::after", '" (p. " attr(data-rb-page) ")"'),
    )
    assert rules.strings == ((".titlepage .title", "report-title"), (".chapter h1", "chapter-title"))


def test_a_later_rule_that_takes_the_page_number_away_still_does_in_a_group():
    """A layout that moves a cross-reference's page number before the link (``::after { content:
    none }``, then ``::before``): a group prints it once, before, as one pass does, not twice."""
    ltr = 'a.xref-paged::after { content: " (p. " target-counter(attr(href url), page) ")"; }'
    rtl = (
        "a.xref-paged::after { content: none; } a.xref-paged::before { content: target-counter(attr(href url), page); }"
    )
    found = layout_rules.read_rules([ltr, rtl])
    assert not isinstance(found, str)
    css = groups.group_css(1, Handover(first_page=3), found)
    after = [line for line in css.splitlines() if line.startswith("a.xref-paged[data-rb-page]::after")]
    assert after[-1] == "a.xref-paged[data-rb-page]::after { content: none; }", css
    assert "a.xref-paged[data-rb-page]::before { content: attr(data-rb-page); }" in css


@pytest.mark.parametrize(
    ("css", "why"),
    [
        ("a::after { content: target-text(attr(href url)); }", "target-text"),
        ("a::after { content: target-counter(attr(href url), figure); }", "other than its page number"),
        ("a::after { content: target-counter(attr(href url), page, lower-roman); }", "other than its page number"),
        ("figure { counter-increment: figure; }", "counter of its own (figure)"),
        ("h1::before { string-set: t content(text); }", "other than its text"),
        ("h1 { string-set: t attr(title); }", "other than its text"),
        ('@page { @bottom-center { content: "of " counter(pages); } }', "counter(pages)"),
        ("@page :left { @top-left { content: target-text(attr(href)); } }", "target-text"),
    ],
)
def test_a_layout_carrying_other_things_across_pages_is_not_cut(css, why):
    refusal = layout_rules.read_rules([THEME_CSS, css])
    assert isinstance(refusal, str) and why in refusal


def test_rules_inside_screen_media_are_not_read():
    assert isinstance(
        layout_rules.read_rules(["@media screen { figure { counter-increment: figure; } }"]), layout_rules.Rules
    )
    assert isinstance(layout_rules.read_rules(["@media print { figure { counter-increment: figure; } }"]), str)


def test_the_shipped_layouts_can_be_cut():
    from report_build.theme import default_layouts

    css = default_layouts() / "css"
    for names in (["print.css"], ["print.css", "print-rtl.css"]):
        found = layout_rules.read_rules([(css / name).read_text(encoding="utf-8") for name in names])
        assert isinstance(found, layout_rules.Rules), found
        assert found.page_number_rules and found.strings


def test_groups_keep_the_front_matter_first_and_the_back_matter_last(rules):
    plan = groups.plan(report(), 2, rules)
    assert isinstance(plan, groups.Plan)
    first, second = plan.groups
    assert (first.first, first.last, second.first, second.last) == (0, 2, 2, 4)
    one, two = (lxml.html.document_fromstring(group.html) for group in plan.groups)
    assert one.xpath("//section[@class='cover']") and one.xpath("//nav[@class='contents']")
    assert not one.xpath("//div[@class='backmatter']/*")
    assert not two.xpath("//section[@class='cover']") and not two.xpath("//div[@class='frontmatter']/*")
    assert two.xpath("//section[@id='history']")
    assert [h.get("id") for h in two.xpath("//h1")] == ["c2", "c3"]
    # an empty stand-in keeps :first-child rules off the group's first chapter
    stub = two.xpath("//div[@class='mainmatter']/section")[0]
    assert stub.get("style") == "display: none" and len(stub) == 0


def test_a_group_is_told_its_footnotes_strings_and_links_elsewhere(rules):
    plan = groups.plan(report(notes=(1, 0, 2, 1)), 2, rules)
    assert plan.notes_before == (0, 1)
    assert plan.strings == ((), (("report-title", "Water Report"),))
    first, second = plan.groups
    assert first.paged_out == ("c2", "c3")  # contents entries and a cross-reference
    assert second.paged_out == ("c0",)  # chapter 3's cross-reference wraps round to chapter 0
    assert "c0" in second.links_out and "history" not in second.links_out


@pytest.mark.parametrize(
    "selectors",
    [
        ".toc a",
        "li:first-child > a, li:nth-child(2n) a",  # structural: a wrapper's place among its siblings
        "h1 + p a, h1 ~ p > a.xref",  # siblings before it
        "section:not(.chapter) a, .mainmatter > section:last-child a",
        "[href='#c2'], #c1, *",
        ".toc\u00a0x a, P A",  # a class with a non-breaking space; names in capitals
    ],
)
def test_the_walk_towards_some_elements_matches_as_the_walk_of_every_element(selectors):
    """The plan makes cssselect2's wrappers only on the way to the links and the elements that
    may set a string; a selector must match them as it matches them in a walk of every element."""
    root = lxml.html.document_fromstring(report())
    compiled = groups._compile(selectors)
    everywhere = [
        w.etree_element
        for w in cssselect2.ElementWrapper.from_html_root(root).iter_subtree()
        if any(s.test(w) for s in compiled)
    ]
    candidates = [e for e in root.iter() if any(groups._may_match(s, e) for s in compiled)]
    assert groups._candidates(root, compiled) == candidates  # the XPath's first narrowing loses none
    pruned = [w.etree_element for w in groups._wrapped(root, candidates) if any(s.test(w) for s in compiled)]
    assert everywhere and pruned == everywhere
    if "*" not in selectors and "A" not in selectors:
        assert len(candidates) < len(list(root.iter())) / 2  # it does walk towards fewer elements


def test_a_group_says_whether_it_has_table_header_cells(rules):
    """The join makes the structure names of header cells unique, and walks only the parts that have some."""
    html = report().replace("<p>", "<table><tr><th>Year</th></tr><tr><td>2018</td></tr></table><p>", 1)
    assert [group.header_cells for group in groups.plan(html, 2, rules).groups] == [True, False]
    assert [group.header_cells for group in groups.plan(report(), 2, rules).groups] == [False, False]


def test_the_source_carries_the_hand_over(rules):
    plan = groups.plan(report(), 2, rules)
    given = Handover(first_page=9, notes_before=1, target_pages=(("c0", 1),), strings=(("report-title", "W"),))
    html, css = plan.source(1, given)
    link = lxml.html.document_fromstring(html).xpath("//a[@href='#c0']")[0]
    assert link.get("data-rb-page") == "1"
    assert "@page :first { counter-reset: page 9; }" in css
    assert 'html { counter-reset: footnote 1; string-set: report-title "W"; }' in css
    assert "a.xref-paged[data-rb-page]::after" in css
    # the first group starts the document: no page or footnote numbers are handed to it
    _html, first_css = plan.source(0, Handover())
    assert "counter-reset" not in first_css


def test_one_chapter_is_not_cut(rules):
    assert groups.plan(report(chapters=1), 2, rules) == "the report has fewer than two chapters"


@pytest.mark.parametrize(
    ("weights", "count", "bounds"),
    [
        ([1, 1, 1, 1], 2, [0, 2, 4]),
        ([10, 1, 1, 1, 1], 2, [0, 1, 5]),
        ([1, 1, 1, 10], 2, [0, 3, 4]),
        ([3, 3, 3], 5, [0, 1, 2, 3]),
        ([4, 2, 2, 2, 2], 3, [0, 1, 3, 5]),
    ],
)
def test_groups_are_balanced(weights, count, bounds):
    assert groups.balance(weights, count) == bounds


def test_a_blank_page_goes_before_a_group_after_an_odd_number_of_pages():
    assert handover.blanks_and_starts([11, 6, 3, 4]) == ([False, True, False, True], [0, 12, 18, 22])


def test_the_hand_over_settles_from_what_the_groups_gave(rules):
    plan = groups.plan(report(), 2, rules)
    # first group: cover 0, title 1, contents 2, chapter 0 from page 3 (folio 1), chapter 1 from page 5
    laid = [Laid(7, {"c0": 3, "c1": 5}, opening=3), Laid(4, {"c2": 0, "c3": 2, "history": 3})]
    first, second = handover.settle(plan, laid)
    # 7 pages, then a blank page: the second group starts on page index 8, folio 8 - 3 + 1 = 6
    assert second.first_page == 6
    assert first.target_pages == (("c2", 6), ("c3", 8))
    assert second.target_pages == (("c0", 1),)
    assert first.first_page == 1 and second.notes_before == 1


def test_a_target_before_the_main_matter_is_found(rules):
    html = report().replace('<a class="xref xref-paged" href="#c0">', '<a class="xref xref-paged" href="#toc">', 1)
    html = html.replace('<nav class="contents">', '<nav class="contents" id="toc">')
    plan = groups.plan(html, 2, rules)
    laid = [Laid(7, {"toc": 2, "c0": 3, "c1": 5}, opening=3), Laid(4, {"c2": 0, "c3": 2})]
    assert "toc" in plan.groups[1].paged_out
    assert handover.front_targets(plan, laid) == ["toc"]


def test_the_first_guess_comes_from_the_last_page_map(rules):
    plan = groups.plan(report(), 2, rules)
    previous = PageMap(
        chapter_pages=(2, 4, 2, 3), chapter_digests=plan.chapter_digests, front_pages=3, id_folios={"c2": 7, "c3": 9}
    )
    first, second = handover.guess(plan, previous)
    assert second.first_page == 7  # chapters of 2 and 4 pages: the third opens on page 7
    assert first.target_pages == (("c2", 7), ("c3", 9))
    # an edited chapter keeps its place's page count; targets move with their group
    edited = PageMap((4, 4, 2, 3), ("x", *plan.chapter_digests[1:]), 3, {"c2": 9, "c3": 11})
    _first, second = handover.guess(plan, edited)
    assert second.first_page == 9


def test_without_a_page_map_pages_are_estimated_as_odd_openings(rules):
    plan = groups.plan(report(), 2, rules)
    _first, second = handover.guess(plan, None)
    assert second.first_page % 2 == 1 and second.first_page >= 3


def test_the_page_map_round_trips_and_a_damaged_one_is_no_guess():
    page_map = PageMap((2, 4), ("a", "b"), 3, {"c0": 1})
    assert PageMap.from_json(page_map.to_json()) == page_map
    for damaged in (b"", b"[]", b'{"chapter_pages": "x"}', b"\xff", None):
        assert PageMap.from_json(damaged) is None


def test_the_page_map_of_a_layout(rules):
    plan = groups.plan(report(), 2, rules)
    laid = [Laid(7, {"c0": 3, "c1": 5}, opening=3), Laid(4, {"c2": 0, "c3": 2, "history": 3})]
    page_map = handover.page_map(plan, laid, [3, 5, 8, 10])
    assert page_map.chapter_pages == (2, 3, 2, 2)
    assert page_map.front_pages == 3
    assert page_map.id_folios == {"c0": 1, "c1": 3, "c2": 6, "c3": 8, "history": 9}


def test_the_hand_over_spells_any_script_as_css_and_html_read_it(rules):
    """A title in Arabic is a CSS string, not JSON's \\u escapes; a link to an Arabic id gets its
    page number though lxml writes its letters as %XX escapes."""
    html = report().replace("Water Report", 'إدلب "حية"').replace('id="c0"', 'id="هجوم"').replace('"#c0"', '"#هجوم"')
    plan = groups.plan(html, 2, rules)
    assert plan.strings[1] == (("report-title", 'إدلب "حية"'),)
    source, css = plan.source(1, Handover(target_pages=(("هجوم", 1),), strings=plan.strings[1]))
    assert 'string-set: report-title "إدلب \\"حية\\""' in css
    links = lxml.html.document_fromstring(source).xpath("//a[@data-rb-page]")
    assert [link.get("data-rb-page") for link in links] == ["1"]


def test_the_rules_are_kept_in_the_build_cache(tmp_path, monkeypatch):
    """Read once, then from the build cache while the stylesheets do not change; a refusal is
    kept too, and a damaged entry is read anew."""
    from report_build.cache import BuildCache

    first = BuildCache(tmp_path)
    found = layout_rules.read_rules([THEME_CSS], first)
    assert isinstance(found, layout_rules.Rules) and found.page_number_rules
    first.commit()
    monkeypatch.setattr(layout_rules, "_read_rules", lambda texts: pytest.fail("parsed again"))
    assert layout_rules.read_rules([THEME_CSS], BuildCache(tmp_path)) == found
    monkeypatch.undo()
    second = BuildCache(tmp_path)
    refused = layout_rules.read_rules([THEME_CSS, "p { counter-increment: mine; }"], second)
    assert isinstance(refused, str)
    second.commit()
    monkeypatch.setattr(layout_rules, "_read_rules", lambda texts: pytest.fail("parsed again"))
    assert layout_rules.read_rules([THEME_CSS, "p { counter-increment: mine; }"], BuildCache(tmp_path)) == refused
    (entry,) = tmp_path.iterdir()  # one entry, the last rules read
    kept = json.loads(entry.read_text(encoding="utf-8"))
    entry.write_text(json.dumps({**kept, "value": {"strings": [["h1"]]}}), encoding="utf-8")  # damaged
    monkeypatch.undo()
    again = BuildCache(tmp_path)
    assert layout_rules.read_rules([THEME_CSS, "p { counter-increment: mine; }"], again) == refused
    assert again.pending
