"""Direction and language from the text: the dominant script of a manuscript without a
language, the direction of a language tag, passages with their own language, and left-to-right
runs isolated in right-to-left documents."""

from __future__ import annotations

import lxml.html
import pytest
from lxml import etree

from report_build import Diagnostics
from report_build.model import direction_of
from report_build.source import parse
from report_build.source.passes.direction import _letter_directions, isolate_latin_runs, passages, unmarked_passages
from report_build.source.scripts import dominant_script, guess_language, plain_text


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("소유권은 러스트의 가장 독특한 기능이며, 이를 통해 메모리 안정성을 보장합니다.", "ko"),
        ("所有権はRustの最もユニークな機能であり、メモリ安全性を保証します。", "ja"),
        ("这个国家的人们说，水是生命之源，我们对此进行了研究。", "zh-Hans"),
        ("這個國家的人們說，水是生命之源，我們對此進行了研究。", "zh-Hant"),
        ("چگونه در یک پروژه‌ی متن باز مشارکت کنیم و کدام کارها را انجام دهیم", "fa"),
        ("الماء هو الحياة، وقد وصلت المساعدات إلى المدينة في الشتاء الماضي", "ar"),
        ("پانی زندگی ہے اور یہ بات ہر کوئی جانتا ہے کہ بڑے شہروں میں پانی کم ہے", "ur"),
        ("המים הם החיים, וכך אמרו כל האנשים שגרו בעיר הזאת במשך שנים רבות", "he"),
        ("ܡܝܐ ܐܢܘܢ ܚܝܐ ܘܗܟܢܐ ܐܡܪܘ ܟܠܗܘܢ ܒܢܝܢܫܐ ܕܥܡܪܝܢ ܒܡܕܝܢܬܐ", "syr"),
        ("ދިވެހިބަހަކީ ދިވެހިރާއްޖޭގެ ރަސްމީ ބަހެވެ. މިބަސް ލިޔެނީ ތާނައިން", "dv"),
        ("Командная строка — это мощный инструмент для работы с компьютером", "ru"),
        ("Командний рядок — це потужний інструмент, і його варто вивчити: він є в кожній системі", "uk"),
        ("जल ही जीवन है और यह बात सब लोग जानते हैं कि पानी बहुत ज़रूरी है", "hi"),
    ],
)
def test_the_dominant_script_implies_a_language(text, language):
    assert guess_language(text)[0] == language


def test_latin_text_and_too_little_text_imply_nothing():
    assert guess_language("The command line is a powerful tool, with some 한국어 inside it.") is None
    assert guess_language("물은 생명") is None  # too few letters to tell
    assert dominant_script(plain_text("<p>짧은 글</p><pre><code>" + "let x = 5;" * 100 + "</code></pre>")) is None


@pytest.mark.parametrize(
    ("tag", "direction"),
    [
        ("he", "rtl"),
        ("fa-IR", "rtl"),
        ("ur", "rtl"),
        ("ps", "rtl"),
        ("yi", "rtl"),
        ("syr", "rtl"),
        ("dv", "rtl"),
        ("ar", "rtl"),
        ("ku-Arab", "rtl"),
        ("az-Arab", "rtl"),
        ("ha", "ltr"),
        ("ku", "ltr"),
        ("en", "ltr"),
        ("ja", "ltr"),
        ("pa-Arab-PK", "rtl"),
        ("ar-Latn", "ltr"),
    ],
)
def test_direction_of_a_language_tag(tag, direction):
    assert direction_of(tag) == direction


def test_a_manuscript_without_language_reads_right_to_left_from_its_script(tmp_path):
    manuscript = tmp_path / "report.md"
    manuscript.write_text(
        "# מים\n\nהמים הם החיים, וכך אמרו כל האנשים שגרו בעיר הזאת במשך שנים רבות. "
        "הספרייה @orta/CocoaPods נכתבה ב-C++ ו-Node.js.\n\n"
        '::: {.aside lang="en"}\nAn English passage.\n:::\n',
        encoding="utf-8",
    )
    diagnostics = Diagnostics(echo=False)
    doc, _theme = parse.read(manuscript, diagnostics)
    assert (doc.metadata.language, doc.metadata.direction) == ("he", "rtl")
    assert any("Hebrew script" in note and "'he'" in note for note in diagnostics.notes)
    body = doc.chapters[0].body
    assert '<span dir="ltr">@orta/CocoaPods</span>' in body
    assert '<span dir="ltr">C++</span>' in body and '<span dir="ltr">Node.js</span>.' in body
    assert 'lang="en" dir="ltr"' in body


def test_a_given_language_wins_over_the_script(tmp_path):
    manuscript = tmp_path / "report.md"
    manuscript.write_text("---\nlanguage: en\n---\n# מים\n\n" + "המים הם החיים וכך אמרו כולם. " * 5, "utf-8")
    diagnostics = Diagnostics(echo=False)
    doc, _theme = parse.read(manuscript, diagnostics)
    assert (doc.metadata.language, doc.metadata.direction, diagnostics.notes) == ("en", "ltr", [])


def test_passages_read_in_the_direction_of_their_language():
    root = lxml.html.fragment_fromstring(
        '<div lang="ar"><p>الماء</p></div><div lang="fa" dir="ltr"><p lang="he">x</p></div><p lang="de">y</p>',
        create_parent="div",
    )
    passages(root, "ltr")
    found = [(e.get("lang"), e.get("dir")) for e in root.iter() if e.get("lang")]
    assert found == [("ar", "rtl"), ("fa", "ltr"), ("he", "rtl"), ("de", None)]
    root = lxml.html.fragment_fromstring('<p lang="en">Hello</p><p lang="fa">سلام</p>', create_parent="div")
    passages(root, "rtl")
    assert [e.get("dir") for e in root] == ["ltr", None]


def test_latin_runs_are_isolated_but_not_code_or_marked_runs():
    root = lxml.html.fragment_fromstring(
        '<p>مثل <b>hapi.js</b> و f(x) و <code>a b</code> و <span dir="ltr">x y</span> (issue) انجام داد.</p>',
        create_parent="div",
    )
    isolate_latin_runs(root)
    assert etree.tostring(root[0], encoding="unicode") == (
        '<p>مثل <b><span dir="ltr">hapi.js</span></b> و <span dir="ltr">f(x)</span> و <code>a b</code> و '
        '<span dir="ltr">x y</span> (<span dir="ltr">issue</span>) انجام داد.</p>'
    )


def test_a_paragraph_wholly_in_the_other_direction_reads_in_it():
    """A French quotation in an Arabic report, written without ``lang``, starts on the left with
    its guillemets and full stop in place; one Arabic letter, code, or a marked part keeps a
    paragraph in the report's direction. A list turns only as a whole: one English item in an
    Arabic list keeps its number on the list's side."""
    root = lxml.html.fragment_fromstring(
        "<blockquote><p>« L'accès reste insuffisant. »</p></blockquote>"
        "<p>Windows 10 و Zoom</p><p>2020</p><p>الماء <code>make pdf</code></p>"
        "<ul><li>Only English</li><li>Also <b>English</b></li></ul>"
        "<ol><li>Python</li><li><p>قاعدة البيانات</p></li></ol>"
        '<p>سلام <span lang="en">Hello</span></p>',
        create_parent="div",
    )
    unmarked_passages(root, "rtl")
    found = [(e.tag, e.get("dir")) for e in root.iter("p", "ul", "ol", "li") if e.get("dir")]
    assert found == [("p", "ltr"), ("ul", "ltr")]
    root = lxml.html.fragment_fromstring("<p>الماء والصرف الصحي</p><p>Water</p>", create_parent="div")
    unmarked_passages(root, "ltr")
    assert [e.get("dir") for e in root.iter("p")] == ["rtl", None]


def test_a_paragraph_is_decided_by_its_first_letter_of_the_surrounding_direction():
    """Reading stops at the first letter in the surroundings' direction, which decides it: an
    English report's paragraphs are not read letter by letter."""
    paragraph = lxml.html.fragment_fromstring("<p>Water, <b>الماء</b> and <i>eau</i></p>")
    assert _letter_directions(paragraph) == {"ltr", "rtl"}
    assert _letter_directions(paragraph, "ltr") == {"ltr"}
    assert _letter_directions(paragraph, "rtl") == {"ltr", "rtl"}  # read on to its Arabic word


def test_a_quotation_in_an_arabic_sentence_keeps_its_marks_and_full_stop():
    root = lxml.html.fragment_fromstring(
        "<p>وأضاف: \u201cNous appelons à agir.\u201d ثم « C'est vital » و \u201cno close</p>", create_parent="div"
    )
    isolate_latin_runs(root)
    assert [span.text for span in root.iter("span")] == [
        "\u201cNous appelons à agir.\u201d",
        "« C'est vital »",
        "no close",
    ]


def test_the_first_strong_letter_of_markup_reads_its_entities_not_their_names():
    """A citation's text is isolated in a right-to-left report when it starts left to right
    (crossref.py): an entity is the letter it stands for, never the letters of its name."""
    from report_build.source.passes.direction import first_strong_direction

    assert first_strong_direction("<i>&#1575;&#1604;</i> (2018)") == "rtl"  # "ال", written as entities
    assert first_strong_direction("&amp;&nbsp;Smith, 2018") == "ltr"
    assert first_strong_direction("&lt;1&gt; (2018)") is None
