"""Khmer, Lao and Burmese lines in the PDF break between words, found by ICU's dictionaries, and
never inside a cluster (writers/pdf/dictionary_breaks.py, with writers/pdf/word_breaks.py).

The end-to-end tests read each line of the laid-out pages a real build writes its PDF from:
poppler cannot read these scripts back from a WeasyPrint PDF (its ToUnicode map gives a glyph
the text of the first cluster it was drawn in, and marks come out in drawing order), so that
``pdftotext`` garbles a correct Khmer line as much as a broken one."""

from __future__ import annotations

import itertools
import unicodedata
from types import SimpleNamespace

import pytest

from report_build import Diagnostics
from report_build.writers.pdf import dictionary_breaks
from report_build.writers.pdf.dictionary_breaks import ZWSP, clusters, in_html, marked

KHMER = (
    "ការអប់រំនៅតំបន់ជនបទនៃប្រទេសកម្ពុជានៅតែជាបញ្ហាធំមួយ។ នៅក្នុងខេត្តបាត់ដំបង "
    "គ្រូបង្រៀនជាច្រើនត្រូវធ្វើដំណើរលើផ្លូវវែងឆ្ងាយដើម្បីទៅដល់សាលារៀន។ "
    "សិស្សនៅភូមិដាច់ស្រយាលពិបាកទៅរៀនរាល់ថ្ងៃ ព្រោះឪពុកម្តាយរបស់ពួកគេត្រូវការជំនួយក្នុងការងារស្រែ។ "
    "របាយការណ៍នេះបង្ហាញថាកម្មវិធីបណ្តុះបណ្តាលគ្រូថ្មីបានបង្កើនគុណភាពនៃការបង្រៀននិងចំនួនសិស្សដែលបញ្ចប់ការសិក្សា។ "
)
LAO = "ການສຶກສາໃນເຂດຊົນນະບົດຂອງປະເທດລາວຍັງມີບັນຫາຫຼາຍ. ຢູ່ແຂວງສະຫວັນນະເຂດ ຄູສອນຫຼາຍຄົນຕ້ອງເດີນທາງໄກເພື່ອໄປໂຮງຮຽນ. "
BURMESE = (  # written with the few spaces a long Burmese sentence may have
    "ကျေးလက်ဒေသရှိပညာရေးသည်မြန်မာနိုင်ငံအတွက်အရေးကြီးသောပြဿနာတစ်ရပ်ဖြစ်သည်။ "
    "ဆရာဆရာမများသည်ကျောင်းသို့ရောက်ရန်ခရီးဝေးကိုသွားရသည်။ "
    "ဤအစီရင်ခံစာသည်ဆရာအသစ်များလေ့ကျင့်ရေးအစီအစဉ်ကသင်ကြားမှုအရည်အသွေးကိုမြှင့်တင်ပေးကြောင်းပြသသည်။ "
)
WORDS = {  # words a line must never break inside (the user trial's among them)
    "km": ["ខេត្តបាត់ដំបង", "គ្រូបង្រៀន", "ប្រទេស", "ដាច់ស្រយាល", "សាលារៀន", "បណ្តុះបណ្តាល", "ការសិក្សា"],
    "lo": ["ສະຫວັນນະເຂດ", "ຄູສອນ", "ໂຮງຮຽນ", "ຊົນນະບົດ", "ປະເທດ"],
    "my": ["ဆရာမ", "မြန်မာနိုင်ငံ", "ကျောင်း", "အစီရင်ခံစာ", "လေ့ကျင့်", "အရည်အသွေး"],
}
COENG, VIRAMA = "\u17d2", "\u1039"
LAO_BEFORE = "\u0ec0\u0ec1\u0ec2\u0ec3\u0ec4"  # vowels written before their consonant


def test_words_are_found_by_the_dictionaries():
    assert marked("នៅក្នុងខេត្តបាត់ដំបង").split(ZWSP) == ["នៅក្នុង", "ខេត្តបាត់ដំបង"]
    assert marked("គ្រូបង្រៀនជាច្រើន").split(ZWSP) == ["គ្រូបង្រៀន", "ជាច្រើន"]
    assert marked("ຢູ່ແຂວງສະຫວັນນະເຂດ").split(ZWSP) == ["ຢູ່", "ແຂວງ", "ສະຫວັນນະເຂດ"]
    assert marked("ဆရာဆရာမများ").split(ZWSP) == ["ဆရာ", "ဆရာမ", "များ"]


@pytest.mark.parametrize("text", [KHMER, LAO, BURMESE])
def test_a_break_opportunity_falls_only_between_two_words(text):
    found = marked(text)
    assert found.replace(ZWSP, "") == text  # nothing but U+200B added
    pieces = found.split(ZWSP)
    assert len(pieces) > 10
    for before, after in itertools.pairwise(pieces):
        assert dictionary_breaks.SCRIPT.match(before[-1]) and dictionary_breaks.SCRIPT.match(after[0])
        assert before[-1] not in (COENG, VIRAMA, *LAO_BEFORE)
        assert not unicodedata.category(after[0]).startswith("M"), (before, after)
    for word in (word for words in WORDS.values() for word in words if word in text):
        assert not any(word[:cut] + ZWSP + word[cut:] in found for cut in range(1, len(word))), word


@pytest.mark.parametrize(
    "text",
    [
        "ภาษาไทยเป็นภาษาที่สวยงาม",  # Thai: Pango's libthai breaks it, as before
        "Water, eau, الماء, 水は命です。소유권은 메모리를",
        "",
    ],
)
def test_other_scripts_are_left_alone(text):
    assert marked(text) == text
    html = f"<html><body><p>{text}</p></body></html>"
    assert in_html(html) is html  # the same string: the PDF of such a report is unchanged


def test_the_html_is_marked_in_its_text_only():
    html = (
        '<!DOCTYPE html><html lang="km"><head><title>ការអប់រំនៅតំបន់ជនបទ</title></head><body>'
        '<h1 title="ប្រទេសកម្ពុជា">ប្រទេសកម្ពុជា</h1>'
        "<p>នៅក្នុង<em>ខេត្តបាត់ដំបង</em>គ្រូបង្រៀន <code>ប្រទេសកម្ពុជា</code> a&amp;b</p>"
        "<pre>ប្រទេសកម្ពុជា</pre><!-- ប្រទេសកម្ពុជា --><svg><text>ប្រទេសកម្ពុជា</text></svg>"
        "<p>ប្រទេស</p><p>កម្ពុជា</p></body></html>"
    )
    found = in_html(html)
    assert found.replace(ZWSP, "") == html
    assert "<title>ការអប់រំនៅតំបន់ជនបទ</title>" in found  # the head, the PDF's title
    assert '<h1 title="ប្រទេសកម្ពុជា">ប្រទេស\u200bកម្ពុជា</h1>' in found  # not inside a tag
    # a word runs on across an inline element: its breaks are found in the text as read
    assert "<p>នៅក្នុង<em>\u200bខេត្តបាត់ដំបង</em>\u200bគ្រូបង្រៀន <code>ប្រទេសកម្ពុជា</code>" in found
    assert "<pre>ប្រទេសកម្ពុជា</pre><!-- ប្រទេសកម្ពុជា --><svg><text>ប្រទេសកម្ពុជា</text></svg>" in found
    assert "<p>ប្រទេស</p><p>កម្ពុជា</p>" in found  # a paragraph ends a run: nothing at its edges


def test_a_bookmark_loses_the_break_opportunities():
    page = SimpleNamespace(
        bookmarks=[(1, marked("សេចក្តីផ្តើមនៃការអប់រំ"), (0, 0), "open"), (2, "A\u200bB", (0, 9), "closed")]
    )
    assert ZWSP in page.bookmarks[0][1]
    dictionary_breaks.unmark_bookmarks([page])
    assert page.bookmarks == [(1, "សេចក្តីផ្តើមនៃការអប់រំ", (0, 0), "open"), (2, "A\u200bB", (0, 9), "closed")]


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("គ្រូបង្រៀន", ["គ្រូ", "ង្រៀ"]),  # a coeng keeps the consonant under it
        ("ដាច់", ["ដាច់"]),  # a final with its sign (់) stays with its syllable
        ("របាយការណ៍", ["បា", "កា", "រណ៍"]),
        ("ខេត្ត", ["ខេ", "ត្ត"]),
        ("ကျောင်း", ["ကျောင်း"]),  # asat: the final of the syllable
        ("အင်္ဂလိပ်", ["အင်္ဂ", "လိပ်"]),  # kinzi, stacked under the next consonant
        ("ເຂດ", ["ເຂ"]),  # a Lao vowel written before its consonant
        ("ສະຫວັນ", ["ສະ", "ວັ"]),
        ("ภาษาไทย Latin", []),
    ],
)
def test_the_clusters_no_line_breaks_inside(text, kept):
    assert [text[start:end] for start, end in clusters(text)] == kept


@pytest.mark.parametrize("text", [KHMER, LAO, BURMESE])
def test_no_cluster_ends_with_a_coeng_or_starts_with_a_mark(text):
    spans = clusters(text)
    edges = {position for span in spans for position in span}
    for position in range(1, len(text)):
        inside = any(start < position < end for start, end in spans)
        if inside or position in edges:
            continue
        # a position outside every cluster: a break there splits no cluster
        assert text[position - 1] not in (COENG, VIRAMA, *LAO_BEFORE), text[position - 5 : position + 5]
        assert not unicodedata.category(text[position]).startswith("M"), text[position - 5 : position + 5]


# --- End to end: the lines of a real build -------------------------------------------------


def _lines(manuscript, tmp_path) -> list[str]:
    """The text of each line of the report's pages, as laid out for its PDF (the PDF is written
    from them; its glyphs are checked for empty boxes)."""
    from weasyprint.formatting_structure import boxes

    from report_build.build import gather
    from report_build.checks.glyphs import glyph_coverage
    from report_build.writers.pdf.writer import layout

    diagnostics = Diagnostics(echo=False)
    doc, theme = gather(manuscript, diagnostics, tmp_path / "none")
    laid_out = layout(doc, "screen", theme, diagnostics)
    assert not glyph_coverage(laid_out.write()).missing  # U+200B draws nothing, never a box

    def walk(box):
        if isinstance(box, boxes.LineBox):
            yield "".join(text.text for text in _texts(box)).strip(" " + ZWSP)
            return
        for child in getattr(box, "children", ()):
            yield from walk(child)

    return [line for page in laid_out.pages.pages for line in walk(page._page_box) if line]


def _texts(box):
    for child in getattr(box, "children", ()):
        if hasattr(child, "text") and not getattr(child, "children", None):
            yield child
        else:
            yield from _texts(child)


def _broken(lines: list[str], words: list[str]) -> list[str]:
    """Where a line break falls inside a word or a cluster: the two lines' ends."""
    found = []
    for before, after in itertools.pairwise(lines):
        end, start = before.replace(ZWSP, ""), after.replace(ZWSP, "")
        if end.endswith((COENG, VIRAMA, *LAO_BEFORE)) or unicodedata.category(start[:1] or " ").startswith("M"):
            found.append(f"{before[-6:]}|{after[:6]}")
            continue
        joined = end + start
        for word in words:
            position = joined.find(word, max(0, len(end) - len(word) + 1))
            if 0 <= position < len(end) < position + len(word):
                found.append(f"{before[-6:]}|{after[:6]} ({word})")
    return found


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("language", "title", "text"),
    [
        ("km", "របាយការណ៍ស្តីពីការអប់រំនៅតំបន់ជនបទ", KHMER),
        ("my", "ကျေးလက်ဒေသပညာရေးဆိုင်ရာအစီရင်ခံစာ", BURMESE),
        ("lo", "ບົດລາຍງານການສຶກສາໃນເຂດຊົນນະບົດ", LAO),
    ],
)
def test_a_report_breaks_its_lines_between_words(tmp_path, language, title, text):
    manuscript = tmp_path / "report.md"
    manuscript.write_text(
        f'---\ntitle: "{title}"\nlanguage: {language}\n---\n\n# {title}\n\n{text * 2}\n\n{text}\n',
        encoding="utf-8",
    )
    lines = _lines(manuscript, tmp_path)
    body = [line for line in lines if dictionary_breaks.SCRIPT.search(line)]
    assert len(body) > 8, lines
    assert _broken(body, WORDS[language]) == []
    # the lines break at the words' break opportunities, not only at the phrases' spaces
    assert sum(1 for line in body if ZWSP in line) > len(body) // 2


@pytest.mark.e2e
def test_a_passage_in_an_english_report_and_a_table_cell(tmp_path):
    """A passage with its own ``lang`` breaks the same way; a Khmer cell takes the width its words
    need, and the column of addresses beside it keeps a readable width."""
    manuscript = tmp_path / "report.md"
    address = "https://www.example.org/education/battambang/schools"
    manuscript.write_text(
        "---\ntitle: Rural education\n---\n\n# Rural education\n\nA report on schools.\n\n"
        f'<div lang="km">{KHMER}</div>\n\n<p><span lang="my">{BURMESE}</span></p>\n\n'
        f"| Province | Summary | Address |\n| --- | --- | --- |\n| Battambang | {KHMER} | {address} |\n",
        encoding="utf-8",
    )
    lines = _lines(manuscript, tmp_path)
    body = [line for line in lines if dictionary_breaks.SCRIPT.search(line)]
    assert len(body) > 10
    assert _broken(body, WORDS["km"] + WORDS["my"]) == []
    pieces = [line for line in lines if line and line in address]
    assert pieces and max(len(piece) for piece in pieces) >= 12, pieces  # not 6 characters a line
