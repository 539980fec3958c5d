"""Phrases of Japanese and Chinese titles (phrases.py): where a line may break, in the PDF's
cover and title page too (the ePub's drawn cover: tests/writers/test_epub_cover.py)."""

from __future__ import annotations

import pytest

from conftest import pdf_pages, require_browser
from epubcheck_helper import epubcheck_many
from report_build import Diagnostics, build, phrases
from report_build.checks import browser


@pytest.mark.parametrize(
    ("tag", "model"),
    [
        ("ja", "ja"),
        ("ja-JP", "ja"),
        ("zh", "zh-hans"),
        ("zh-Hans", "zh-hans"),
        ("zh-CN", "zh-hans"),
        ("zh-Hant", "zh-hant"),
        ("zh-TW", "zh-hant"),
        ("zh_HK", "zh-hant"),
        ("ko", None),
        ("en", None),
        ("", None),
    ],
)
def test_the_model_follows_the_language_tag(tag, model):
    assert phrases.model_for(tag) == model


def test_a_japanese_title_is_cut_between_phrases_and_given_back_whole():
    title = "日本における子どもの教育と地域社会の役割"
    found = phrases.phrases(title, "ja")
    assert len(found) >= 4 and "".join(found) == title
    assert "子どもの" in found and "役割" in "".join(found[-2:])
    assert not any(phrase.endswith("におけ") for phrase in found)  # never inside a word


def test_chinese_titles_are_cut_and_other_text_is_left_whole():
    title = "臺灣地區兒童教育與社區角色之年度報告書"
    found = phrases.phrases(title, "zh-Hant")
    assert len(found) >= 3 and "".join(found) == title
    assert phrases.phrases(title, "ko") == [title]  # a language without a model
    assert phrases.phrases("Annual report", "ja") == ["Annual report"]  # no Han or kana


def test_the_filter_escapes_and_marks_each_phrase():
    marked = str(phrases.markup("子どもの<教育>と地域社会の役割", "ja"))
    assert "&lt;" in marked and "<教育>" not in marked
    assert marked.count('<span class="phrase">') >= 3
    assert str(phrases.markup("Annual <report>", "ja")) == "Annual &lt;report&gt;"
    long_word = "コミュニケーションチームマネージャー"  # longer than LONGEST: left breakable
    assert f'<span class="phrase">{long_word}' not in str(phrases.markup(f"{long_word}の役割について", "ja"))


def test_korean_breaks_between_words_and_keeps_the_spaces_outside_the_spans():
    title = "이주 노동자 가족을 위한 지역 사회 교육 지원 보고서"
    found = phrases.phrases(title, "ko-KR")
    assert "".join(found) == title and found[:3] == ["이주", " ", "노동자"]
    marked = str(phrases.markup(title, "ko"))
    assert marked.startswith('<span class="phrase">이주</span> <span class="phrase">노동자</span> ')
    assert phrases.phrases("Annual report", "ko") == ["Annual report"]  # no Hangul
    body = '<h2 id="a">이주 노동자 가족 &amp; 교육</h2>\n<p>이주 노동자 가족</p>'
    heading, paragraph = phrases.in_headings(body, "ko").split("\n")
    assert heading == (
        '<h2 id="a"><span class="phrase">이주</span> <span class="phrase">노동자</span> '
        '<span class="phrase">가족</span> <span class="phrase">&amp;</span> <span class="phrase">교육</span></h2>'
    )
    assert paragraph == "<p>이주 노동자 가족</p>"


def test_headings_are_marked_by_phrase_and_the_rest_is_left_as_it_was():
    body = (
        '<h1 id="h">日本における<em>子どもの教育</em>と地域社会の役割 &amp; 課題</h1>\n'
        "<p>日本における子どもの教育と地域社会の役割。</p>\n"
        '<h2 id="s"><a class="x" href="#h">Annual report</a></h2>\n'
    )
    marked = phrases.in_headings(body, "ja")
    heading, paragraph, english = marked.split("\n")[:3]
    assert paragraph == "<p>日本における子どもの教育と地域社会の役割。</p>"  # running text: left
    assert english == '<h2 id="s"><a class="x" href="#h">Annual report</a></h2>'
    assert heading.startswith('<h1 id="h"><span class="phrase">') and "<em><span class=" in heading
    assert "&amp;" in heading and heading.count('<span class="phrase">') >= 5
    # the tags and the text are those of the heading: nothing added but the spans
    stripped = heading.replace('<span class="phrase">', "").replace("</span>", "")
    assert stripped == body.split("\n")[0]
    assert phrases.in_headings(body, "ko") == body and phrases.in_headings(body, "en") == body
    # a run of one phrase is kept whole too; a formula's text is the formula's, not the heading's
    single = phrases.in_headings("<h2>地域の<em>教育</em></h2>", "ja")
    assert '<em><span class="phrase">教育</span></em>' in single
    formula = "<h2>地域の教育<math><mtext>地域の教育</mtext></math><svg><text>教育</text></svg></h2>"
    assert "<mtext>地域の教育</mtext>" in phrases.in_headings(formula, "ja")
    assert "<text>教育</text>" in phrases.in_headings(formula, "ja")
    assert phrases.in_headings(formula, "ja").startswith('<h2><span class="phrase">')


def lines_of(text: str, page: str) -> list[str]:
    """The lines of ``page`` (pdftotext's) that spell ``text`` one after another."""
    lines: list[str] = []
    for line in (line.strip() for line in page.splitlines() if line.strip()):
        if "".join(lines) != text and text.startswith("".join(lines) + line):
            lines.append(line)
    return lines if "".join(lines) == text else []


def broken_between_phrases(text: str, lines: list[str]) -> bool:
    """Whether every line of ``text`` ends where one of its phrases ends."""
    cut = phrases.phrases(text, "ja")
    ends = {sum(map(len, cut[: n + 1])) for n in range(len(cut))}
    return all(sum(map(len, lines[: n + 1])) in ends for n in range(len(lines)))


@pytest.mark.e2e
def test_the_pdf_cover_and_title_page_break_a_japanese_title_between_phrases(tmp_path):
    title = "日本における子どもの教育と地域社会の役割についての報告書"
    path = tmp_path / "report.md"
    path.write_text(f"---\ntitle: {title}\nlanguage: ja\n---\n\n# はじめに\n\n本文。\n", encoding="utf-8")
    (built,) = build(path, ("pdf",), write=False, diagnostics=Diagnostics(echo=False))
    for page in pdf_pages(built.data)[:2]:  # the cover, the title page
        lines = lines_of(title, page)
        assert len(lines) >= 2, page
        assert broken_between_phrases(title, lines), lines


# Illustrative Japanese text, written for this test: long headings that must wrap.
CHAPTER = "地域社会における子どもの教育支援と保護者の参加についての調査結果"
SECTION = "避難生活を続ける家族のための学習支援と心理社会的な支援のあり方"
JAPANESE = (
    "---\ntitle: 日本における子どもの教育と地域社会の役割についての報告書\nlanguage: ja\n---\n\n"
    f"# {CHAPTER}\n\n本文。\n\n## {SECTION}\n\n本文。\n\n# おわりに\n\n本文。\n"
)


@pytest.mark.e2e
def test_a_korean_heading_breaks_between_words_in_the_pdf(tmp_path):
    heading = "이주 노동자 가족을 위한 지역사회 교육 지원과 심리사회적 지원에 관한 조사 결과"
    path = tmp_path / "report.md"
    path.write_text(
        f"---\ntitle: 보고서\nlanguage: ko\n---\n\n# {heading}\n\n본문.\n\n# 맺음말\n\n본문.\n", encoding="utf-8"
    )
    (built,) = build(path, ("pdf",), write=False, diagnostics=Diagnostics(echo=False), jobs=1)
    words = heading.split()
    found = [
        lines
        for page in pdf_pages(built.data)
        if len(lines := lines_of(heading.replace(" ", ""), page.replace(" ", ""))) >= 2
    ]
    assert found, "the heading is never set on two lines or more"
    ends = {len("".join(words[: n + 1])) for n in range(len(words))}
    assert all(sum(map(len, lines[: n + 1])) in ends for lines in found for n in range(len(lines))), found


@pytest.mark.e2e
def test_japanese_headings_and_contents_break_between_phrases_in_the_pdf_and_on_the_site(tmp_path):
    path = tmp_path / "report.md"
    path.write_text(JAPANESE, encoding="utf-8")
    out = tmp_path / "out"
    built = build(path, ("pdf", "epub", "web"), output_dir=out, diagnostics=Diagnostics(echo=False))
    pdf = next(result.data for result in built if result.path.suffix == ".pdf")
    pages = pdf_pages(pdf)
    for heading in (CHAPTER, SECTION):
        found = [lines for page in pages if len(lines := lines_of(heading, page)) >= 2]
        assert found, f"{heading} is never set on two lines or more"
        assert all(broken_between_phrases(heading, lines) for lines in found), found
    epub = next(result.data for result in built if result.path.suffix == ".epub")
    assert epubcheck_many({"ja": epub}) == {"ja": []}
    require_browser()
    shots = tmp_path / "shots"
    report = browser.check_site(out / "web", shots, screenshots=("index.html", "chapter-01.html"))
    assert report.split_phrases == [] and report.sideways == [] and report.violations == []
    assert any('<span class="phrase">' in (out / "web" / name).read_text(encoding="utf-8") for name in ("index.html",))
