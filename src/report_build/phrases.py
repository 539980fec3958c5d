"""Where a line may break in a title written in Japanese or Chinese: between phrases, where its
readers expect it ("日本に/おける/子どもの/教育"), not inside a word ("日本におけ/る"). BudouX's
models (Japanese, Simplified and Traditional Chinese) cut the text into phrases. The ePub's
drawn cover and the site's social image wrap their words by them (:mod:`.writers.drawn_text`);
the templates' ``phrases`` filter marks each phrase of a title (cover, title page, the site's
landing page, the contents) with a ``<span class="phrase">``, and ``heading_phrases`` those of a
chapter's headings. The layouts keep a phrase on one line (print and ePub: ``white-space: nowrap``; the
site: an inline block, which a phone's narrow line may still wrap inside): a line then breaks
only between two phrases, with no character added to the text.

Korean writes spaces between words, and its titles and headings break there, never inside a
word: there the phrases are the words. (Its running text breaks there too: ``word-break:
keep-all`` on the site and in the ePub, :mod:`.writers.pdf.word_breaks` in the PDF.)

Running text is not cut here: there a line may break between any two characters, as those
languages' typography has it, and the layouts' line breaking does so.

Invariant: the phrases joined give the text back, unchanged.
"""

from __future__ import annotations

import functools
import html
import re
from typing import Any

from markupsafe import Markup, escape

from .model import language_subtags

HAN_OR_KANA = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff\uffa0-\uffdc]")
KOREAN_WORDS = re.compile(r"\s+|\S+")  # a Korean text's words, and the spaces between them
PHRASE = "phrase"  # the class of a phrase's span
LONGEST = 10  # characters: a longer phrase is not kept on one line, so that it cannot overrun a narrow measure
TRADITIONAL = frozenset({"hant", "tw", "hk", "mo"})  # the subtags of a Chinese written in traditional characters
HEADING = re.compile(r"(<h[1-6]\b[^>]*>)(.*?)(</h[1-6]>)", re.S)
TAG = re.compile(r"(<[^>]*>)")
FOREIGN = re.compile(r"<(/?)(?:math|svg)\b", re.I)


def model_for(language: str) -> str | None:
    """BudouX's model for a language tag: "ja", "zh-hans" or "zh-hant"; None for the others."""
    primary, *rest = language_subtags(language)
    if primary == "ja":
        return "ja"
    if primary == "zh":
        return "zh-hant" if TRADITIONAL.intersection(rest) else "zh-hans"
    return None


@functools.cache
def _parser(model: str) -> Any:
    import budoux  # imported only for a document that needs it

    loaders = {
        "ja": budoux.load_default_japanese_parser,
        "zh-hans": budoux.load_default_simplified_chinese_parser,
        "zh-hant": budoux.load_default_traditional_chinese_parser,
    }
    return loaders[model]()


def korean(language: str) -> bool:
    return language_subtags(language)[0] == "ko"


def letters_of(language: str) -> re.Pattern[str] | None:
    """The letters whose text is cut into phrases in ``language`` (Hangul in Korean, Han and
    kana where BudouX has a model); None when its text is not cut."""
    return HANGUL if korean(language) else HAN_OR_KANA if model_for(language) else None


def phrases(text: str, language: str) -> list[str]:
    """``text`` cut into the phrases a line may break between (in Korean, its words and the
    spaces between them); ``[text]`` when its language has no model or it holds none of the
    script's letters."""
    if korean(language):
        return KOREAN_WORDS.findall(text) if HANGUL.search(text) else [text]
    model = model_for(language)
    if model is None or not HAN_OR_KANA.search(text):
        return [text]
    found = [phrase for phrase in _parser(model).parse(text) if phrase]
    return found if "".join(found) == text else [text]


def markup(text: str, language: str) -> Markup:
    """``text`` as escaped markup, each of its phrases (up to :data:`LONGEST` characters) in a
    ``<span class="phrase">``, the spaces between Korean words outside them (a space inside a
    span kept on one line would be no place to break); the text alone when it has none of the
    script's letters. A single phrase is marked too: in a heading it may be one run of several
    (``<em>教育</em>``)."""
    letters = letters_of(language)
    if letters is None or not letters.search(str(text)):
        return escape(text)
    found = phrases(str(text), language)
    return Markup("").join(
        Markup('<span class="{}">{}</span>').format(PHRASE, phrase)
        if len(phrase) <= LONGEST and not phrase.isspace()
        else escape(phrase)
        for phrase in found
    )


def in_headings(body: str, language: str) -> str:
    """A chapter's HTML with the text of each heading marked by phrase, as :func:`markup` marks
    a title (text between tags, each run on its own; the tags, text without the script's
    letters and what a formula or a drawing holds, as they were). The HTML itself when its
    language has no model or it holds none of the script's letters."""
    letters = letters_of(language)
    if letters is None or not letters.search(body):
        return body

    def marked(inner: str) -> str:
        out, foreign = [], 0  # inside <math> or <svg>: no HTML spans there
        for part in TAG.split(inner):
            if part.startswith("<"):
                opening = FOREIGN.match(part)
                if opening and not part.endswith("/>"):
                    foreign += -1 if opening.group(1) else 1
                out.append(part)
            else:
                out.append(str(markup(html.unescape(part), language)) if not foreign and letters.search(part) else part)
        return "".join(out)

    return HEADING.sub(lambda m: m.group(1) + marked(m.group(2)) + m.group(3), body)


def cldr_locale(language: str) -> Any:
    """Babel's CLDR locale for a BCP 47 tag, or None when CLDR does not know it."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return None
