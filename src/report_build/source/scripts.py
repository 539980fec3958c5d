"""The writing system of a text, for a manuscript whose front matter names no language: its
dominant script, and the language that script implies (so that words, hyphenation, CJK glyph
forms and the direction of reading follow the text without a ``dir`` anywhere).

Only letters count (digits, punctuation and code do not). When the dominant script is Latin, or
there are too few letters to tell, nothing is guessed and the default language stays.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from fontTools import unicodedata as scripts

CODE = re.compile(r"<(pre|code|kbd|samp|script|style)\b.*?</\1>", re.S | re.I)
TAG = re.compile(r"<[^>]+>")
ENTITY = re.compile(r"&[#\w]+;")
SAMPLE = 40_000  # letters enough to tell
MINIMUM = 20  # fewer letters than this: too little to tell

# The language a script is mostly written in; the scripts of several languages are refined below.
LANGUAGE_OF_SCRIPT = {
    "Arab": "ar",
    "Hebr": "he",
    "Syrc": "syr",
    "Thaa": "dv",
    "Nkoo": "nqo",
    "Cyrl": "ru",
    "Grek": "el",
    "Armn": "hy",
    "Geor": "ka",
    "Ethi": "am",
    "Deva": "hi",
    "Beng": "bn",
    "Guru": "pa",
    "Gujr": "gu",
    "Orya": "or",
    "Taml": "ta",
    "Telu": "te",
    "Knda": "kn",
    "Mlym": "ml",
    "Sinh": "si",
    "Thai": "th",
    "Laoo": "lo",
    "Tibt": "bo",
    "Mymr": "my",
    "Khmr": "km",
    "Hang": "ko",
    "Hira": "ja",
    "Kana": "ja",
    "Hani": "zh",
}
PERSIAN = set("پچژگکی")  # letters Persian uses and Arabic does not (kaf and yeh in their Persian forms)
URDU = set("ٹڈڑںےہھ")
UKRAINIAN = set("іїєґІЇЄҐ")
# Frequent characters that Traditional and Simplified Chinese write differently.
TRADITIONAL = set("這個們來說時會為國學對與過還見裡麼開關經現發實長問題體點業動東頭")
SIMPLIFIED = set("这个们来说时会为国学对与过还见里么开关经现发实长问题体点业动东头")


def plain_text(html: str) -> str:
    """The text of an HTML fragment, code left out."""
    return ENTITY.sub(" ", TAG.sub(" ", CODE.sub(" ", html)))


def dominant_script(text: str) -> str | None:
    """The ISO 15924 code most of the text's letters are written in; Hiragana and Katakana count
    as Japanese together with the Han they are mixed with. None when there are too few letters."""
    counts: Counter[str] = Counter()
    seen = 0
    for char in text:
        if not unicodedata.category(char).startswith("L"):
            continue
        counts[scripts.script(char)] += 1
        seen += 1
        if seen >= SAMPLE:
            break
    if seen < MINIMUM:
        return None
    kana = counts["Hira"] + counts["Kana"]
    if kana and kana * 20 >= counts["Hani"]:  # Japanese mixes kana into its Han
        counts["Hira"] += counts.pop("Hani", 0) + counts.pop("Kana", 0)
    script, _count = counts.most_common(1)[0]
    return script


def guess_language(text: str) -> tuple[str, str] | None:
    """(language tag, script) that a text's dominant script implies, or None when it is Latin or
    cannot be told. Arabic script is told apart as Persian or Urdu by their own letters, Cyrillic
    as Ukrainian, Han as Traditional or Simplified Chinese."""
    script = dominant_script(text)
    if script is None or script not in LANGUAGE_OF_SCRIPT:
        return None
    language = LANGUAGE_OF_SCRIPT[script]
    letters = set(text)
    if script == "Arab":
        if letters & URDU and len(letters & URDU) >= 3:
            language = "ur"
        elif letters & PERSIAN and len(letters & PERSIAN) >= 3:
            language = "fa"
    elif script == "Cyrl" and len(letters & UKRAINIAN) >= 2:
        language = "uk"
    elif script == "Hani":
        traditional, simplified = len(letters & TRADITIONAL), len(letters & SIMPLIFIED)
        language = "zh-Hant" if traditional > simplified else "zh-Hans"
    return language, script
