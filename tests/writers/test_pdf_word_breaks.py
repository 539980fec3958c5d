"""Korean lines in the PDF break between words (writers/pdf/word_breaks.py), as on the site and
in the ePub; other languages break as before."""

from __future__ import annotations

import pytest

from conftest import pdf_pages
from report_build import Diagnostics, build
from report_build.writers.pdf import word_breaks

SENTENCES = (
    "러스트의 소유권은 메모리를 안전하게 관리하기 위한 핵심 개념입니다. 각 값은 소유자라고 불리는 "
    "변수를 가지며, 한 번에 하나의 소유자만 존재할 수 있습니다. 소유자가 스코프를 벗어나면 값은 "
    "버려집니다. Rust의 빌림 규칙은 컴파일할 때 검사됩니다. "
)


def test_the_correction_can_be_applied_and_is_only_for_korean():
    assert word_breaks.available()  # if WeasyPrint changes, review writers/pdf/word_breaks.py
    if not word_breaks.applied():  # (another test of this process may have laid Korean out)
        assert not word_breaks.use_for("<p>Water, eau, الماء, 水</p>")  # WeasyPrint's own functions
        assert not word_breaks.applied()
    assert word_breaks.use_for("<p>소유권</p>") and word_breaks.applied()


def test_a_korean_word_is_found_whole_with_latin_letters_digits_and_marks():
    text = "Rust의 소유권은 2018년에, 값(value)은 a b 소유\u302e권"  # a word of one letter has nothing to keep
    found = [text[start:end] for start, end in word_breaks.words(text)]
    assert found == ["Rust의", "소유권은", "2018년에", "소유\u302e권"]  # a Hangul tone mark inside a word


@pytest.mark.parametrize(
    ("text", "lang", "breaks"),
    [
        ("소유권", "ko", False),  # inside a Korean word: no break
        ("소유권", "ko-KR", False),
        ("소유 권", "ko", True),  # at a space
        ("소유권", "en", True),  # Hangul in an English passage breaks as Pango has it
        ("ことばの", "ja", True),  # Japanese running text breaks between characters, as before
    ],
)
def test_where_a_text_on_its_own_may_break(text, lang, breaks):
    """WeasyPrint asks this where two text boxes meet ("소유<em>권</em>") and whether a box can break."""
    log_attrs = word_breaks.get_log_attrs(text, lang)
    assert any(log_attrs[index].is_line_break for index in range(1, len(text))) is breaks


def _lines(html: str) -> list[str]:
    import weasyprint

    word_breaks.use_for(html)  # as the PDF writer does before its layout
    data = weasyprint.HTML(string=html).write_pdf()
    return [line.strip() for page in pdf_pages(data, layout=True) for line in page.splitlines() if line.strip()]


@pytest.mark.e2e
def test_korean_lines_end_at_word_ends_and_other_languages_are_untouched():
    words = set(SENTENCES.split())
    body = f"<p>{SENTENCES * 3}</p><p>{'소유<em>권은</em> 메모리 ' * 6}</p>"
    korean = _lines(f'<html lang="ko"><body style="width: 6cm; font-family: Noto Sans CJK KR">{body}</body></html>')
    assert len(korean) > 15
    assert all(token in words | {"소유권은", "메모리"} for line in korean for token in line.split()), korean
    # the same text read as English breaks inside words, as Pango's default rules have it: what
    # the correction changes (and what the assertion above would see)
    english = _lines(f'<html lang="en"><body style="width: 6cm; font-family: Noto Sans CJK KR">{body}</body></html>')
    assert any(token not in words | {"소유권은", "메모리"} for line in english for token in line.split())


@pytest.mark.e2e
def test_a_korean_word_wider_than_its_line_is_cut_where_the_layout_allows_it():
    """keep-all keeps words whole, but overflow-wrap (the layouts' paragraphs have it) and
    word-break: break-all still cut a word that cannot fit, rather than run it off the page."""
    long_word = "가나다라마바사아자차카타파하" * 3
    html = (
        '<html lang="ko"><body style="font-family: Noto Sans CJK KR">'
        f'<p style="width: 3cm; overflow-wrap: anywhere">{long_word} 끝</p>'
        f'<p style="width: 3cm">{long_word} 끝</p>'
        '<p style="width: 3cm; word-break: break-all">소유권은 메모리를 안전하게 관리하기</p></body></html>'
    )
    lines = _lines(html)
    cut = lines[: lines.index("끝")]
    assert len(cut) > 3 and "".join(cut) == long_word  # cut, nothing lost
    rest = lines[lines.index("끝") + 1 :]
    assert rest[0] == long_word  # without overflow-wrap it runs on, as keep-all has it
    assert any(line.startswith("를") for line in rest), rest  # break-all cuts "메모리를" inside


@pytest.mark.e2e
def test_a_korean_report_keeps_its_words_whole_in_the_pdf(tmp_path):
    manuscript = tmp_path / "report.md"
    manuscript.write_text(f"---\ntitle: 소유권\nlang: ko\n---\n\n# 소유권\n\n{SENTENCES * 12}\n", encoding="utf-8")
    (built,) = build(manuscript, ("pdf",), write=False, diagnostics=Diagnostics(echo=False))
    chapter = [page for page in pdf_pages(built.data, layout=True) if "러스트의" in page]
    lines = [line.strip() for page in chapter for line in page.splitlines() if line.strip()]
    body = [line for line in lines if line not in ("소유권", "1") and not line.isdigit()]  # not the heading, folios
    assert len(body) > 10
    words = set(SENTENCES.split())
    assert all(token in words for line in body for token in line.split()), body


# --- Khmer, Lao and Burmese: clusters kept whole, no letter-spacing -------------------------

KHMER_WORD = "គ្រូបង្រៀនប្រទេសកម្ពុជាខេត្តបាត់ដំបងដាច់ស្រយាល"  # no break opportunity in it: one long "word"


@pytest.mark.e2e
@pytest.mark.parametrize("style", ["overflow-wrap: anywhere", "word-break: break-all"])
def test_a_khmer_word_wider_than_its_line_is_cut_between_clusters(style):
    """The last resort (Pango's character wrapping) cut after a coeng, sending the subscript
    consonant to the next line, and before a final with its sign (ដា|ច់)."""
    paragraphs = "".join(f'<p style="width: {width}mm; {style}">{KHMER_WORD}</p><p>-</p>' for width in range(8, 40, 3))
    lines = _laid_out_lines(f'<html lang="km"><body style="font-family: Noto Sans Khmer">{paragraphs}</body></html>')
    cut = [line for line in lines if line != "-"]
    assert len(cut) > 3 * len(range(8, 40, 3))  # each paragraph is cut
    assert "".join(cut) == KHMER_WORD * len(range(8, 40, 3))  # nothing lost
    assert not [line for line in cut if line.endswith("\u17d2")], cut  # no coeng at a line's end
    assert not [line for line in cut if line.startswith(("់", "ច់", "ត់"))], cut


def _laid_out_lines(html: str) -> list[str]:
    """The text of each line as WeasyPrint laid it out (pdftotext cannot read Khmer back from a
    WeasyPrint PDF: see test_pdf_dictionary_breaks.py)."""
    import weasyprint
    from weasyprint.formatting_structure import boxes

    word_breaks.use_for(html)
    lines, stack = [], [page._page_box for page in weasyprint.HTML(string=html).render().pages]
    while stack:
        box = stack.pop(0)
        if isinstance(box, boxes.LineBox):
            texts = [child for child in box.descendants() if isinstance(child, boxes.TextBox)]
            lines.append("".join(text.text for text in texts).strip())
        else:
            stack[:0] = getattr(box, "children", [])
    return [line for line in lines if line]


def _runs(html: str) -> list[tuple[list[int], int]]:
    """The runs of the first line of each text box, as Pango shaped them to be drawn: their glyph
    ids and their width (Pango units, letter-spacing included)."""
    import weasyprint
    from weasyprint.formatting_structure import boxes
    from weasyprint.text.ffi import ffi, pango

    word_breaks.use_for(html)
    found, stack = [], [page._page_box for page in weasyprint.HTML(string=html).render().pages]
    while stack:
        box = stack.pop(0)
        if isinstance(box, boxes.TextBox):
            box.pango_layout.reactivate(box.style)  # as WeasyPrint does to draw it
            run = pango.pango_layout_get_line_readonly(box.pango_layout.layout, 0).runs
            while run != ffi.NULL:
                glyphs = run.data.glyphs
                shaped = [glyphs.glyphs[index] for index in range(glyphs.num_glyphs)]
                found.append(([glyph.glyph for glyph in shaped], sum(glyph.geometry.width for glyph in shaped)))
                run = run.next
        stack[:0] = getattr(box, "children", [])
    return found


@pytest.mark.e2e
def test_spaced_khmer_is_drawn_with_its_ligatures():
    """Pango turns a spaced text's ligatures off, and Noto's Khmer needs them: the cover's title
    (letter-spacing: -0.02em) drew a dotted circle in នៅ and បា as ហ. Khmer, Lao and Burmese are
    drawn unspaced; Latin beside them keeps its spacing."""
    title = "របាយការណ៍ស្តីពីការអប់រំនៅតំបន់ជនបទ"
    paragraphs = "".join(
        f'<p style="font-family: Noto Sans Khmer; letter-spacing: {spacing}">{title}</p>'
        for spacing in ("normal", "-0.02em", "0.1em")
    )
    plain, tight, loose = _runs(f'<html lang="km"><body>{paragraphs}</body></html>')
    assert plain == tight == loose  # the same glyphs, the same widths
    mixed = "".join(
        f'<p style="font-family: Noto Sans Khmer; letter-spacing: {spacing}">report ការងារ</p>'
        for spacing in ("normal", "0.1em")
    )
    latin, khmer, spaced_latin, spaced_khmer = _runs(f'<html lang="km"><body>{mixed}</body></html>')
    assert spaced_khmer == khmer
    assert spaced_latin[0] == latin[0] and spaced_latin[1] > latin[1]  # "report ": spaced
