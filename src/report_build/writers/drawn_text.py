"""Words drawn into the images the writers make: the ePub's cover and the site's sharing image.

Faces. Inter draws what it has, Noto Naskh Arabic the Arabic script (both ship with the
layouts), and any other character the face that the layouts' fallback chain gives it
(``fonts/fallback.yaml``, found through fontconfig as the PDF finds it: the families of the
document language's own script first, the CJK region its language selects). A face is chosen
for a whole grapheme cluster (a letter with its marks, a conjunct): the first that has all of
its characters, bold where the bold face has them. In a text with Arabic letters the Arabic
face is tried before Inter.

Order and shape. A line is put in visual order by the Unicode bidirectional algorithm (FriBidi,
the library Pillow's text layout loads too), and each run of one face and one direction is
shaped by Raqm (HarfBuzz), so that Hebrew and Arabic read right to left, joined, with their
numbers and Latin words the right way round, and Indic conjuncts are formed.

Lines. A line breaks at spaces (never at a no-break space); in Japanese and Chinese also
between phrases (:mod:`...phrases`), in Korean only between words; in Thai, Lao, Khmer and
Myanmar, and in Han and kana text of a language without a phrase model, where Pango's line
breaking allows (Thai by libthai's dictionary), and in Lao, Khmer and Myanmar where ICU's
dictionaries find a word's end, as the PDF breaks them. Pango comes with WeasyPrint, which is imported only for such
text. A piece wider than the line at the smallest size is broken between grapheme clusters, and
text beyond the last line allowed ends with "…".

Invariant: the same words, faces and sizes give the same pixels (nothing from the clock, no
network); a line that fits is drawn with exactly its characters, none added or dropped.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import regex
from PIL import Image, ImageDraw, ImageFont, features

from .. import fonts as font_files
from .. import phrases
from ..errors import ResourceError
from ..fonts import Face
from ..theme import Theme

INTER = ("fonts/inter/Inter-Bold.otf", "fonts/inter/Inter-Regular.otf")
NASKH = (
    "fonts/noto-naskh-arabic/NotoNaskhArabic-Bold.ttf",
    "fonts/noto-naskh-arabic/NotoNaskhArabic-Regular.ttf",
)
ARABIC_LETTERS = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
ELLIPSIS = "…"
BREAKING_SPACES = re.compile("[^\\S\u00a0\u2007\u202f]+")  # whitespace, but not the no-break spaces
# Scripts written without spaces between words, whose words a dictionary finds (Unicode's
# line-break class SA): Thai, Lao, Myanmar, Khmer, New Tai Lue, Tai Tham, Tai Viet.
DICTIONARY_SCRIPTS = "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u1980-\u19ff\u1a20-\u1aaf\ua9e0-\ua9ff\uaa60-\uaadf"
UNSPACED = re.compile(f"[{DICTIONARY_SCRIPTS}]")
UNSPACED_OR_CJK = re.compile(f"[{DICTIONARY_SCRIPTS}\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
RAQM = features.check_feature("raqm")  # shaping and bidirectional text; without it, Pillow's basic layout

CLUSTER = regex.compile(r"\X")  # an extended grapheme cluster (UAX #29, the regex module's Unicode tables)


# -- grapheme clusters and line breaks -------------------------------------------------------


def clusters(text: str) -> list[str]:
    """``text`` in extended grapheme clusters (UAX #29): a character with its marks, joiners,
    variation selectors and emoji modifiers; an Indic conjunct (consonant, virama, consonant); a
    pair of regional indicators; a Hangul syllable written in jamo. Joined, they give the text back."""
    return CLUSTER.findall(text)


def units(text: str, language: str) -> list[tuple[str, bool]]:
    """What a line of ``text`` may break between, in order: its words, and within them the
    phrases (Japanese, Chinese) or the dictionary's words (Thai ...), each with whether a space
    goes before it (it begins a word). Joined so, they give the text back, with each run of
    breaking whitespace as one space."""
    found: list[tuple[str, bool]] = []
    cut_by_pango = UNSPACED if phrases.model_for(language) else UNSPACED_OR_CJK
    for word in BREAKING_SPACES.split(text):
        if not word:
            continue
        first = True
        for phrase in phrases.phrases(word, language) if phrases.model_for(language) else [word]:
            for piece in line_breaks(phrase, language) if cut_by_pango.search(phrase) else [phrase]:
                found.append((piece, first))
                first = False
    return found


def line_breaks(text: str, language: str) -> list[str]:
    """``text`` cut where Pango's line breaking lets a line break (UAX #14, with the Thai
    dictionary) or ICU's dictionaries find a word's end in Khmer, Lao or Myanmar (as the PDF
    breaks them, :mod:`.pdf.dictionary_breaks`); ``[text]`` where it finds no such place.
    Joined, they give the text back."""
    from weasyprint.text.line_break import get_log_attrs  # WeasyPrint takes a third of a second to import

    from .pdf import dictionary_breaks  # with the PDF writer: an ePub built alone need not load it

    attrs = get_log_attrs(text, language or None)
    cuts = [index for index in range(1, len(text)) if attrs[index].is_line_break]
    cuts = sorted({*cuts, *dictionary_breaks.breaks(text)})  # Khmer, Lao, Myanmar words: ICU's dictionaries
    return [text[start:end] for start, end in zip([0, *cuts], [*cuts, len(text)], strict=True)]


# -- right to left ---------------------------------------------------------------------------

PARAGRAPH_LTR, PARAGRAPH_RTL = 0x110, 0x111  # FriBidi's FRIBIDI_PAR_LTR and FRIBIDI_PAR_RTL


@functools.cache
def _fribidi() -> ctypes.CDLL | None:
    """FriBidi (which Pillow's Raqm layout needs too), or None without it."""
    for name in (ctypes.util.find_library("fribidi"), "libfribidi.so.0"):
        if not name:
            continue
        try:
            lib = ctypes.CDLL(name)
        except OSError:
            continue
        chars, types = ctypes.POINTER(ctypes.c_uint32), ctypes.POINTER(ctypes.c_uint32)
        lib.fribidi_get_bidi_types.argtypes = [chars, ctypes.c_int, types]
        lib.fribidi_get_bidi_types.restype = None
        lib.fribidi_get_bracket_types.argtypes = [chars, ctypes.c_int, types, types]
        lib.fribidi_get_bracket_types.restype = None
        lib.fribidi_get_par_embedding_levels_ex.argtypes = [
            types,
            types,
            ctypes.c_int,
            ctypes.POINTER(ctypes.c_uint32),
            ctypes.POINTER(ctypes.c_int8),
        ]
        lib.fribidi_get_par_embedding_levels_ex.restype = ctypes.c_int8
        return lib
    return None


def bidi_levels(line: str, rtl: bool) -> list[int]:
    """The embedding level of each character of one line (even: left to right, odd: right to
    left) in a paragraph of the document's direction, by the Unicode bidirectional algorithm.
    Without FriBidi, every character at the paragraph's level."""
    lib = _fribidi()
    length = len(line)
    if lib is None or not length:
        return [int(rtl)] * length
    chars = (ctypes.c_uint32 * length)(*map(ord, line))
    types = (ctypes.c_uint32 * length)()
    brackets = (ctypes.c_uint32 * length)()
    levels = (ctypes.c_int8 * length)()
    lib.fribidi_get_bidi_types(chars, length, types)
    lib.fribidi_get_bracket_types(chars, length, types, brackets)
    direction = ctypes.c_uint32(PARAGRAPH_RTL if rtl else PARAGRAPH_LTR)
    if not lib.fribidi_get_par_embedding_levels_ex(types, brackets, length, ctypes.byref(direction), levels):
        return [int(rtl)] * length
    return list(levels)


def visual_order(levels: Sequence[int]) -> list[int]:
    """The indexes of runs at ``levels`` in the order they are seen, left to right (rule L2:
    from the highest level down to the lowest odd one, each sequence at that level or higher
    reversed)."""
    order = list(range(len(levels)))
    if not levels:
        return order
    for level in range(max(levels), (min(levels) | 1) - 1, -1):
        start = 0
        while start < len(order):
            if levels[order[start]] < level:
                start += 1
                continue
            end = start
            while end < len(order) and levels[order[end]] >= level:
                end += 1
            order[start:end] = reversed(order[start:end])
            start = end
    return order


# -- faces -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lettering:
    """The faces an image's words are drawn in, as (bold, regular) pairs in the order they are
    tried: Inter, Noto Naskh Arabic when a word has Arabic letters, then the fallback chain's
    families that draw what those do not, in the chain's order for the document's language
    (``sans``, then ``serif``); with the language and direction the words are shaped and set
    in. Hashable: a drawing is cached by it."""

    own: tuple[tuple[Face, Face], ...]
    fallbacks: tuple[tuple[Face, Face], ...] = ()
    language: str = ""
    rtl: bool = False

    def order(self, arabic: bool) -> tuple[tuple[Face, Face], ...]:
        """The pairs in the order they are tried; ``arabic``: the Arabic face before Inter."""
        own = self.own[::-1] if arabic else self.own
        return own + self.fallbacks

    def face(self, cluster: str, bold: bool, arabic: bool = False) -> Face:
        """The face that draws ``cluster``: the first (of the weight, else the regular face of
        its family) that has all its visible characters; Inter when none has them."""
        drawn = [char for char in cluster if font_files.visible(char)]
        order = self.order(arabic)
        for pair in order:
            for face in (pair[0], pair[1]) if bold else (pair[1],):
                if all(font_files.has(face, char) for char in drawn):
                    return face
        return order[0][0 if bold else 1]


def lettering(theme: Theme, language: str, rtl: bool, words: Iterable[str], what: str) -> Lettering:
    """The faces for ``words`` (every text an image draws) in a document in ``language``;
    ``what`` names the image in the error when the layouts lack Inter or the Arabic face."""
    text = "".join(words)
    names = INTER + (NASKH if ARABIC_LETTERS.search(text) else ())
    paths = [theme.find(name) for name in names]
    missing = [name for name, path in zip(names, paths, strict=True) if path is None]
    if missing:
        raise ResourceError(f"{what} fonts not found in the layouts: {', '.join(missing)}")
    own = [Face(name.split("/")[1], path) for name, path in zip(names, paths, strict=True) if path is not None]
    pairs = tuple((own[number], own[number + 1]) for number in range(0, len(own), 2))
    return Lettering(pairs, _fallbacks(text, own, theme, language), language, rtl)


def _fallbacks(text: str, own: list[Face], theme: Theme, language: str) -> tuple[tuple[Face, Face], ...]:
    """(bold, regular) faces of the fallback chain's families that draw the characters of
    ``text`` the own faces do not have, in the chain's order: ``sans`` families, then ``serif``."""
    lacking = [c for c in dict.fromkeys(text) if font_files.visible(c) and not any(font_files.has(f, c) for f in own)]
    if not lacking:
        return ()
    coverage = font_files.Coverage(theme, language)
    needed: set[Face] = set()
    for char in lacking:
        face = coverage.fallback_face(char, "sans") or coverage.fallback_face(char, "serif")
        if face is not None:
            needed.add(face)
    chain = [*theme.fallback.families("sans", language), *theme.fallback.families("serif", language)]
    ordered = sorted(needed, key=lambda face: chain.index(face.family))
    return tuple((font_files.installed(face.family, font_files.BOLD) or face, face) for face in ordered)


@functools.lru_cache(maxsize=128)
def font(face: Face, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(face.path), size, index=face.index)


# -- setting lines -----------------------------------------------------------------------------


def sizes(largest: int, smallest: int, step: int) -> tuple[int, ...]:
    """Font sizes to try, largest first, ``step`` apart, ending at ``smallest``."""
    return (*range(largest, smallest, -step), smallest)


@dataclass(frozen=True)
class Block:
    """Lines of one text set at one size and weight; ``arabic``: the Arabic face leads (tried
    before Inter, and its ascent places the lines)."""

    lines: tuple[str, ...]
    size: int
    bold: bool
    arabic: bool = False


@dataclass(frozen=True)
class Run:
    """Characters of one line drawn in one call: one face, one direction."""

    text: str
    font: ImageFont.FreeTypeFont
    rtl: bool
    width: float


@dataclass
class Setter:
    """Sets text on ``image`` between ``left`` and ``right`` with a :class:`Lettering`, each line
    aligned to the start edge of the document's direction (the right edge, right to left)."""

    image: Image.Image
    lettering: Lettering
    left: float
    right: float
    fill: Any = "white"
    draw: ImageDraw.ImageDraw = field(init=False)
    _widths: dict[tuple[str, bool, int, bool], float] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.draw = ImageDraw.Draw(self.image)

    @property
    def measure(self) -> float:
        return self.right - self.left

    def _layout(self, rtl: bool) -> dict[str, Any]:
        if not RAQM:
            return {}
        return {"direction": "rtl" if rtl else "ltr", "language": self.lettering.language or None}

    def runs(self, line: str, bold: bool, size: int, arabic: bool = False) -> list[Run]:
        """``line`` in runs of one face and one direction, in visual order (left to right).
        A space or joiner stays in the face before it when that face has it."""
        levels = bidi_levels(line, self.lettering.rtl)
        logical: list[tuple[str, Face, int]] = []
        position = 0
        for cluster in clusters(line):
            level = levels[position]
            position += len(cluster)
            before = logical[-1][1] if logical else None
            if before is not None and not any(map(font_files.visible, cluster)) and _has_all(before, cluster):
                face = before
            else:
                face = self.lettering.face(cluster, bold, arabic)
            if logical and logical[-1][1:] == (face, level):
                logical[-1] = (logical[-1][0] + cluster, face, level)
            else:
                logical.append((cluster, face, level))
        found = []
        for index in visual_order([level for _text, _face, level in logical]):
            text, face, level = logical[index]
            drawn = font(face, size)
            rtl = level % 2 == 1
            found.append(Run(text, drawn, rtl, self.draw.textlength(text, font=drawn, **self._layout(rtl))))
        return found

    def width(self, line: str, bold: bool, size: int, arabic: bool = False) -> float:
        key = (line, bold, size, arabic)
        if key not in self._widths:
            self._widths[key] = sum(run.width for run in self.runs(line, bold, size, arabic))
        return self._widths[key]

    def fit(self, text: str, bold: bool, sizes: Sequence[int], max_lines: int) -> Block:
        """``text`` at the first of ``sizes`` at which it takes at most ``max_lines`` lines and
        no piece (word, phrase) is wider than the measure; at the last size, whatever does not
        fit is cut between grapheme clusters, and the last line ends with "…" when text is left."""
        arabic = bool(ARABIC_LETTERS.search(text))
        pieces = units(text, self.lettering.language)
        for size in sizes:
            lines = self._wrap(pieces, bold, size, arabic, cut=False)
            if lines is not None and len(lines) <= max_lines:
                return Block(tuple(lines), size, bold, arabic)
        size = sizes[-1]
        lines = self._wrap(pieces, bold, size, arabic, cut=True) or []
        kept = [self._clip(line, bold, size, arabic, False) for line in lines[:max_lines]]
        if len(lines) > max_lines:
            kept[-1] = self._clip(lines[max_lines - 1], bold, size, arabic, True)
        return Block(tuple(kept), size, bold, arabic)

    def _wrap(self, pieces: list[tuple[str, bool]], bold: bool, size: int, arabic: bool, cut: bool) -> list[str] | None:
        """Lines filled greedily; None when a piece is wider than the measure, unless ``cut``:
        then such a piece is broken between grapheme clusters."""
        lines: list[str] = []
        for piece, spaced in pieces:
            parts = [piece]
            if self.width(piece, bold, size, arabic) > self.measure:
                if not cut:
                    return None
                parts = clusters(piece)
            for number, part in enumerate(parts):
                joined = (lines[-1] + (" " if spaced and number == 0 else "") + part) if lines else part
                if lines and self.width(joined, bold, size, arabic) <= self.measure:
                    lines[-1] = joined
                else:
                    lines.append(part)
        return lines

    def _clip(self, line: str, bold: bool, size: int, arabic: bool, cut_short: bool) -> str:
        """``line`` as it is if it fits and nothing follows it; else cut between grapheme
        clusters so that it fits with "…" after it."""
        if not cut_short and self.width(line, bold, size, arabic) <= self.measure:
            return line
        parts = clusters(line.rstrip())
        while parts and self.width("".join(parts).rstrip() + ELLIPSIS, bold, size, arabic) > self.measure:
            parts.pop()
        return "".join(parts).rstrip() + ELLIPSIS

    def draw_block(self, block: Block, top: float, leading: float) -> float:
        """Draw the lines, the first with its face's ascent at ``top``, ``leading`` times the
        size apart; where the next line would start."""
        step = block.size * leading
        for number, line in enumerate(block.lines):
            self.draw_line(line, block, top + number * step)
        return top + len(block.lines) * step

    def draw_line(self, line: str, block: Block, top: float) -> None:
        runs = self.runs(line, block.bold, block.size, block.arabic)
        leading_face = self.lettering.order(block.arabic)[0][0 if block.bold else 1]
        baseline = top + font(leading_face, block.size).getmetrics()[0]
        x = self.right - sum(run.width for run in runs) if self.lettering.rtl else self.left
        for run in runs:
            self.draw.text((x, baseline), run.text, font=run.font, fill=self.fill, anchor="ls", **self._layout(run.rtl))
            x += run.width


def _has_all(face: Face, cluster: str) -> bool:
    """Whether ``face`` has every character of an invisible cluster that a font draws (a space;
    not a joiner or a direction mark, which the shaper leaves out)."""
    return all(font_files.has(face, char) or unicodedata.category(char) == "Cf" for char in cluster)
