"""Fonts for every script: the layouts' fallback chain (:class:`~report_build.theme.FallbackChain`)
found on this machine through fontconfig, which face draws each character, and the warning for
a character that no font can draw.

The PDF renderer finds the same families through fontconfig by the names the stylesheets give
(``--fallback-serif`` ...); this module answers the same question ahead of it, from the fonts'
character maps, so that a build can say at ``file:line`` what will not print and which package
draws it, and so that the ePub and the web edition can embed the very faces the PDF uses.

Invariant: nothing here changes the document; a font is read (its character map) only when a
character of the text needs it, and what was read is kept for the process.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from fontTools import unicodedata as scripts
from fontTools.ttLib import TTFont, TTLibError
from lxml import html as lxml_html

from .errors import Diagnostics
from .model import Document
from .theme import STYLES, Theme

FONT_FACE = re.compile(r"@font-face\s*\{([^}]*)\}", re.IGNORECASE)
PROPERTY = re.compile(r"([a-z-]+)\s*:\s*([^;]+)", re.IGNORECASE)
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")
# Characters that draw nothing of their own: spaces, controls, joiners, variation selectors, tags.
INVISIBLE = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})
VARIATION = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef]")
EMOJI = re.compile("[\u2190-\u21ff\u2300-\u23ff\u2460-\u27bf\u2900-\u297f\u2b00-\u2bff\U0001f000-\U0001faff]")
REGULAR, BOLD = 80, 200  # fontconfig weights


@dataclass(frozen=True)
class Face:
    """One installed font face: a family found through fontconfig, or one of the layouts' own."""

    family: str
    path: Path
    index: int = 0  # the face's number in a collection (.ttc)
    style: str = "normal"
    weight: int = 400  # CSS weight


# -- fontconfig ---------------------------------------------------------------------------


class _FontSet(ctypes.Structure):
    _fields_ = [("nfont", ctypes.c_int), ("sfont", ctypes.c_int), ("fonts", ctypes.POINTER(ctypes.c_void_p))]


@functools.cache
def _fontconfig() -> tuple[ctypes.CDLL, int] | None:
    """The fontconfig library and its configuration (the system's fonts), or None without it."""
    name = ctypes.util.find_library("fontconfig") or "libfontconfig.so.1"
    try:
        lib = ctypes.CDLL(name)
    except OSError:
        return None
    lib.FcInitLoadConfigAndFonts.restype = ctypes.c_void_p
    lib.FcPatternCreate.restype = ctypes.c_void_p
    lib.FcPatternAddString.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
    lib.FcPatternDestroy.argtypes = [ctypes.c_void_p]
    lib.FcObjectSetBuild.restype = ctypes.c_void_p
    lib.FcObjectSetDestroy.argtypes = [ctypes.c_void_p]
    lib.FcFontList.restype = ctypes.POINTER(_FontSet)
    lib.FcFontList.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
    lib.FcFontSetDestroy.argtypes = [ctypes.POINTER(_FontSet)]
    lib.FcPatternGetString.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(ctypes.c_char_p)]
    lib.FcPatternGetInteger.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(ctypes.c_int)]
    lib.FcCharSetCreate.restype = ctypes.c_void_p
    lib.FcCharSetAddChar.argtypes = [ctypes.c_void_p, ctypes.c_uint32]
    lib.FcCharSetDestroy.argtypes = [ctypes.c_void_p]
    lib.FcPatternAddCharSet.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p]
    lib.FcPatternGetCharSet.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(ctypes.c_void_p)]
    lib.FcCharSetCopy.restype = ctypes.c_void_p
    lib.FcCharSetCopy.argtypes = [ctypes.c_void_p]
    lib.FcCharSetHasChar.argtypes = [ctypes.c_void_p, ctypes.c_uint32]
    config = lib.FcInitLoadConfigAndFonts()
    return (lib, config) if config else None


def _list(pattern_of: dict[str, str], charset: int | None = None) -> list[tuple[str, int, int, int, str, int, str]]:
    """(file, index, weight, slant, first family, character set, style name) of every installed
    face that matches; each character set is a copy the caller owns (or 0)."""
    found = _fontconfig()
    if found is None:
        return []
    lib, config = found
    pattern = lib.FcPatternCreate()
    for key, value in pattern_of.items():
        lib.FcPatternAddString(pattern, key.encode(), value.encode())
    chars = None
    if charset is not None:
        chars = lib.FcCharSetCreate()
        lib.FcCharSetAddChar(chars, charset)
        lib.FcPatternAddCharSet(pattern, b"charset", chars)
    objects = lib.FcObjectSetBuild(b"file", b"index", b"weight", b"slant", b"family", b"charset", b"style", None)
    fonts = lib.FcFontList(config, pattern, objects)
    faces = []
    try:
        for number in range(fonts.contents.nfont if fonts else 0):
            face = fonts.contents.fonts[number]
            text, whole = ctypes.c_char_p(), ctypes.c_int()
            if lib.FcPatternGetString(face, b"file", 0, ctypes.byref(text)) != 0 or not text.value:
                continue
            file = text.value.decode("utf-8", "replace")
            values = []
            for key in (b"index", b"weight", b"slant"):
                values.append(whole.value if lib.FcPatternGetInteger(face, key, 0, ctypes.byref(whole)) == 0 else 0)
            family = text.value.decode() if lib.FcPatternGetString(face, b"family", 0, ctypes.byref(text)) == 0 else ""
            style = text.value.decode() if lib.FcPatternGetString(face, b"style", 0, ctypes.byref(text)) == 0 else ""
            chars = ctypes.c_void_p()
            found_chars = lib.FcPatternGetCharSet(face, b"charset", 0, ctypes.byref(chars)) == 0 and chars.value
            copied = found_chars and lib.FcCharSetCopy(chars)
            faces.append((file, values[0], values[1], values[2], family, copied, style))
    finally:
        if fonts:
            lib.FcFontSetDestroy(fonts)
        lib.FcObjectSetDestroy(objects)
        lib.FcPatternDestroy(pattern)
        if chars is not None:
            lib.FcCharSetDestroy(chars)
    return sorted(faces)


@functools.cache
def installed(family: str, weight: int = REGULAR) -> Face | None:
    """The installed upright face of ``family`` closest to ``weight`` (fontconfig's scale), or None.
    Between faces that claim the same weight, the one whose style name says it (a "Bold" file
    that claims the regular weight, as Debian's Noto Serif Myanmar Bold does, is the bold one)."""
    listed = _list({"family": family})
    faces = [f for f in listed if f[3] == 0] or listed
    if not faces:
        return None
    chosen = min(faces, key=lambda f: (abs(f[2] - weight), _named_otherwise(f[6], weight), f[0], f[1]))
    file, index, found, _slant, _family, chars, style = chosen
    _free(f for f in listed if f is not chosen)
    face = Face(family, Path(file), index, "normal", 700 if found >= BOLD or BOLD_STYLE.search(style) else 400)
    if chars:
        _CHARSETS[face] = chars  # fontconfig's own record of the face's characters: no font to read
    return face


BOLD_STYLE = re.compile(r"bold|black|heavy", re.IGNORECASE)


def _named_otherwise(style: str, weight: int) -> bool:
    """Whether a face's style name says another weight than ``weight`` (bold or not)."""
    return bool(BOLD_STYLE.search(style)) != (weight >= BOLD)


STYLE_BY_WEIGHT = b"""<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <match target="pattern">
    <test name="weight"><const>regular</const></test>
    <test name="slant"><const>roman</const></test>
    <edit name="style" mode="append_last"><string>Regular</string></edit>
  </match>
  <match target="pattern">
    <test name="weight"><const>bold</const></test>
    <test name="slant"><const>roman</const></test>
    <edit name="style" mode="append_last"><string>Bold</string></edit>
  </match>
</fontconfig>
"""
"""Fontconfig rules for the PDF's fonts: an upright regular (or bold) face, and only those (a
light or black weight keeps its own face), is asked for by its style name too, so that between
files of one family that claim the same weight, the one named for it is drawn (Debian's Noto
Serif Myanmar Bold claims the regular weight: all Burmese text was bold)."""


def _free(faces: Iterable[tuple[str, int, int, int, str, int, str]]) -> None:
    found = _fontconfig()
    for face in faces:
        if found is not None and face[5]:
            found[0].FcCharSetDestroy(face[5])


_CHARSETS: dict[Face, int] = {}


def any_font_has(char: str) -> bool:
    """Whether any installed font has a glyph for ``char`` (what the PDF renderer falls back to
    after the chain)."""
    listed = _list({}, ord(char))
    _free(listed)
    return bool(listed)


# -- character maps -------------------------------------------------------------------------


@functools.cache
def _cmap(path: Path, index: int) -> frozenset[int]:
    try:
        font = TTFont(path, fontNumber=index, lazy=True)
        return frozenset(font.getBestCmap() or ())
    except (OSError, TTLibError, AssertionError, KeyError):
        return frozenset()


def has(face: Face, char: str) -> bool:
    """Whether the face has a glyph for ``char``."""
    chars = _CHARSETS.get(face)
    if chars:
        return bool(_fontconfig()[0].FcCharSetHasChar(chars, ord(char)))
    return ord(char) in _cmap(face.path, face.index)


def css_weight(value: str | None) -> int:
    """A CSS ``font-weight`` as a number: ``bold`` 700, a variable face's range ``100 900`` its
    first, anything else (``normal``, none) 400."""
    words = (value or "").split()
    first = {"normal": "400", "bold": "700"}.get(words[0].lower(), words[0]) if words else "400"
    return int(first) if first.isdigit() else 400


def layout_faces(theme: Theme) -> list[Face]:
    """The layouts' own faces, from the @font-face rules of ``css/fonts.css``."""
    path = theme.find("css/fonts.css")
    if path is None:
        return []
    found = []
    for rule in FONT_FACE.findall(path.read_text(encoding="utf-8")):
        props = {name.lower(): value.strip() for name, value in PROPERTY.findall(rule)}
        urls = CSS_URL.findall(rule)
        family = props.get("font-family", "").strip("'\"")
        if family and urls:
            source = (path.parent / urls[0]).resolve()
            weight = css_weight(props.get("font-weight"))
            found.append(Face(family, source, 0, props.get("font-style", "normal"), weight))
    return found


class Coverage:
    """Which face draws each character of a document in the default layouts: the layouts' own
    faces first, then the fallback chain in order (families that are not installed are
    skipped, as the PDF renderer skips them), then the colour emoji font."""

    def __init__(self, theme: Theme, language: str):
        self.chain = theme.fallback
        self.language = language
        # one face a family: the others (italic, bold) have the same characters
        own = {face.family: face for face in reversed(layout_faces(theme)) if face.path.is_file()}
        self.own = list(own.values())
        self._own_chars: frozenset[int] | None = None

    def own_has(self, char: str) -> bool:
        if self._own_chars is None:
            self._own_chars = frozenset().union(*(_cmap(face.path, face.index) for face in self.own))
        return ord(char) in self._own_chars

    def own_face(self, char: str) -> Face | None:
        """The first of the layouts' own faces (one a family, in css/fonts.css order) with ``char``."""
        return next((face for face in self.own if has(face, char)), None)

    def fallback_face(self, char: str, style: str = "serif") -> Face | None:
        """The first installed family of the chain (for ``style``) that has ``char``."""
        for family in self.chain.families(style, self.language):
            face = installed(family)
            if face is not None and has(face, char):
                return face
        return None

    def emoji_face(self, char: str) -> Face | None:
        face = installed(self.chain.emoji) if self.chain.emoji else None
        return face if face is not None and has(face, char) else None

    def drawn(self, char: str) -> bool:
        """Whether the layouts or the chain draw ``char`` in some style."""
        return (
            self.own_has(char)
            or any(self.fallback_face(char, style) is not None for style in STYLES)
            or self.emoji_face(char) is not None
        )


def visible(char: str) -> bool:
    """Whether a character draws a glyph of its own (not a space, control, joiner or selector)."""
    return unicodedata.category(char) not in INVISIBLE and not VARIATION.match(char)


def script_of(char: str) -> str:
    """The ISO 15924 code a character is written in; ``Zsye`` for emoji, ``Zyyy`` for common
    signs (punctuation, digits, symbols)."""
    code = scripts.script(char)
    if code not in ("Zyyy", "Zinh"):
        return code
    if EMOJI.match(char) and unicodedata.category(char) == "So":
        return "Zsye"
    used_by = scripts.script_extension(char) - {"Zyyy", "Zinh"}  # CJK punctuation: Han, Kana ...
    if used_by and not used_by & {"Latn", "Grek", "Cyrl"}:
        return "Hani" if "Hani" in used_by else sorted(used_by)[0]
    return "Zyyy"


def script_label(code: str) -> str:
    return "emoji" if code == "Zsye" else scripts.script_name(code, code)


# -- the text of a document ----------------------------------------------------------------


def document_characters(doc: Document, strings: dict[str, object]) -> set[str]:
    """Every character the outputs show: the chapters' text and footnotes, the front matter and
    changelog words the layouts print, and the layouts' own words in the document's language."""
    shown: set[str] = set()
    for chapter in doc.chapters:
        for markup in (chapter.body, *(note.html for note in chapter.footnotes)):
            shown |= _characters(markup)
    meta = doc.metadata
    parts = [meta.title, meta.subtitle, meta.publisher, meta.description, meta.rights, *meta.authors, *meta.abstract]
    for release in doc.releases:
        parts += [release.summary, release.notice, *release.changes]
    parts += [_words(value) for value in strings.values()]
    return shown | set("".join(parts))


@functools.lru_cache(maxsize=1024)
def _characters(markup: str) -> frozenset[str]:
    """The characters of a chapter's or a note's text (kept: a ``watch`` rebuild reads again
    only the chapter that changed)."""
    if not markup.strip():
        return frozenset()
    return frozenset(lxml_html.fragment_fromstring(markup, create_parent="div").text_content())


def _words(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return " ".join(map(_words, value))
    if isinstance(value, dict):
        return " ".join(map(_words, value.values()))
    return ""


def locate(doc: Document, char: str) -> tuple[Path, int | None]:
    """The file and line where ``char`` is first written: the manuscript, then its other files."""
    for path in (doc.source, *doc.inputs):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        at = text.find(char)
        if at >= 0:
            return path, text.count("\n", 0, at) + 1
    return doc.source, None


# -- the check a build makes ------------------------------------------------------------------


def check_glyphs(doc: Document, theme: Theme, diagnostics: Diagnostics) -> None:
    """Warn, at the ``file:line`` where it is first written, about every writing system whose
    characters the layouts and the fallback chain cannot draw on this machine: which family is
    missing and which package installs it, or that no installed font has the characters at all
    (they would print as empty boxes). With ``--strict``, in ``release`` and in ``check`` that
    is an error."""
    coverage = Coverage(theme, doc.metadata.language)
    lacking: dict[str, list[str]] = {}
    for char in sorted(document_characters(doc, theme.strings)):
        if visible(char) and not coverage.drawn(char):
            lacking.setdefault(script_of(char), []).append(char)
    for script, chars in lacking.items():
        path, line = min((locate(doc, c) for c in chars), key=lambda place: (place[0] != doc.source, place[1] or 0))
        shown = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in chars[:6]) + (
            f" and {len(chars) - 6} more" if len(chars) > 6 else ""
        )
        packages = theme.fallback.packages(script)
        missing = _missing_families(theme, script, doc.metadata.language)
        install = f"install {' and '.join(packages)} (apt-get install {' '.join(packages)})" if packages else ""
        if missing and install:
            verb = "is" if len(missing) == 1 else "are"
            reason = f"the layouts draw it with {', '.join(repr(m) for m in missing)}, which {verb} not installed"
        else:
            reason = "no font in the layouts' fallback chain (fonts/fallback.yaml) has these characters"
        drawn_elsewhere = all(any_font_has(c) for c in chars)
        effect = (
            "another installed font draws them, so the output depends on this machine"
            if drawn_elsewhere
            else "they print as empty boxes"
        )
        advice = install or f"install a font that covers {script_label(script)} and add it to fonts/fallback.yaml"
        diagnostics.warn(
            f"{script_label(script)} text ({shown}): {reason}; {effect}: {advice}",
            path,
            line,
        )


def _missing_families(theme: Theme, script: str, language: str) -> list[str]:
    chain = theme.fallback
    if script == "Zsye":
        return [chain.emoji] if chain.emoji and installed(chain.emoji) is None else []
    region = chain.region(language)
    return list(
        dict.fromkeys(
            font.family(style, region)
            for font in chain.fonts
            if script in font.scripts
            for style in STYLES
            if installed(font.family(style, region)) is None
        )
    )


EVERYWHERE = frozenset({"Latn", "Grek", "Cyrl", "Zyyy"})  # scripts every reading system draws

# LEFT/RIGHT SINGLE and DOUBLE QUOTATION MARK, EM DASH, HORIZONTAL BAR, TWO DOT LEADER, ELLIPSIS
CJK_PUNCTUATION = "\u2014\u2015\u2018\u2019\u201c\u201d\u2025\u2026"
"""Marks Latin and CJK text share, which the layouts' text faces have in Latin shapes (a narrow
quote, an ellipsis on the baseline, a dash that breaks ``——`` in two) and which Chinese and
Japanese set full width, in their CJK face's shapes (:func:`full_width_punctuation`)."""
FULL_WIDTH = frozenset({"zh", "ja"})  # Korean sets these marks proportionally, as Latin text does


def full_width_punctuation(language: str) -> str:
    """The characters of :data:`CJK_PUNCTUATION` for a text in ``language`` to take from its CJK
    face rather than the layouts' text faces: all of them in Chinese and Japanese, else none."""
    return CJK_PUNCTUATION if language.replace("_", "-").split("-")[0].lower() in FULL_WIDTH else ""


def characters_by_face(chars: Iterable[str], coverage: Coverage, style: str, own_too: bool = False) -> dict[Face, str]:
    """The characters each fallback face draws (those the layouts' own faces lack), for
    ``style``; with ``own_too``, also those of other scripts than Latin, Greek and Cyrillic
    that the layouts' own faces draw (Arabic). Emoji are left to the reading system."""
    found: dict[Face, list[str]] = {}
    for char in sorted(set(chars)):
        if not visible(char) or script_of(char) == "Zsye":
            continue
        if coverage.own_has(char):
            if not own_too or script_of(char) in EVERYWHERE:
                continue
            face = coverage.own_face(char)
        else:
            face = coverage.fallback_face(char, style)
        if face is not None:
            found.setdefault(face, []).append(char)
    return {face: "".join(text) for face, text in found.items()}


# -- subsets for the ePub and the web edition ---------------------------------------------------

SUBSET_FLAGS = 0x40  # HarfBuzz: keep the .notdef outline (the empty box, as the PDF renderer does)
NAME_IDS = range(0, 15)  # the names, copyright and licence included (SIL OFL)


@functools.cache
def _harfbuzz() -> ctypes.CDLL | None:
    """HarfBuzz's subsetting library (which the PDF renderer needs too), or None without it."""
    for name in (ctypes.util.find_library("harfbuzz-subset"), "libharfbuzz-subset.so.0"):
        if name:
            try:
                lib = ctypes.CDLL(name)
            except OSError:
                continue
            pointer, uint = ctypes.c_void_p, ctypes.c_uint
            for function, result, arguments in (
                ("hb_blob_create_from_file", pointer, [ctypes.c_char_p]),
                ("hb_face_create", pointer, [pointer, uint]),
                ("hb_subset_input_create_or_fail", pointer, []),
                ("hb_subset_input_unicode_set", pointer, [pointer]),
                ("hb_subset_input_set", pointer, [pointer, ctypes.c_int]),
                ("hb_subset_input_set_flags", None, [pointer, uint]),
                ("hb_set_add", None, [pointer, ctypes.c_uint32]),
                ("hb_subset_or_fail", pointer, [pointer, pointer]),
                ("hb_face_reference_blob", pointer, [pointer]),
                ("hb_blob_get_data", ctypes.POINTER(ctypes.c_char), [pointer, ctypes.POINTER(uint)]),
                ("hb_blob_destroy", None, [pointer]),
                ("hb_face_destroy", None, [pointer]),
                ("hb_subset_input_destroy", None, [pointer]),
            ):
                getattr(lib, function).restype = result
                getattr(lib, function).argtypes = arguments
            return lib
    return None


@functools.lru_cache(maxsize=64)
def subset(face: Face, characters: str) -> bytes | None:
    """The face cut down to ``characters`` (and what its layout features reach from them, such as
    the other CJK regions' forms), as TrueType or OpenType bytes; None without HarfBuzz."""
    hb = _harfbuzz()
    if hb is None:
        return None
    blob = hb.hb_blob_create_from_file(str(face.path).encode())
    source = hb.hb_face_create(blob, face.index)
    request = hb.hb_subset_input_create_or_fail()
    made = result = None
    try:
        unicodes = hb.hb_subset_input_unicode_set(request)
        for char in characters:
            hb.hb_set_add(unicodes, ord(char))
        names = hb.hb_subset_input_set(request, 4)  # HB_SUBSET_SETS_NAME_ID
        for number in NAME_IDS:
            hb.hb_set_add(names, number)
        hb.hb_subset_input_set_flags(request, SUBSET_FLAGS)
        made = hb.hb_subset_or_fail(source, request)
        if not made:
            return None
        result = hb.hb_face_reference_blob(made)
        length = ctypes.c_uint()
        data = hb.hb_blob_get_data(result, ctypes.byref(length))
        return ctypes.string_at(data, length.value)
    finally:
        for pointer, destroy in ((result, "hb_blob_destroy"), (made, "hb_face_destroy")):
            if pointer:
                getattr(hb, destroy)(pointer)
        hb.hb_subset_input_destroy(request)
        hb.hb_face_destroy(source)
        hb.hb_blob_destroy(blob)


def unicode_range(characters: str) -> str:
    """A CSS ``unicode-range`` covering exactly ``characters``: ``U+AC00-AC02, U+B2E4``."""
    points = sorted({ord(c) for c in characters})
    ranges: list[tuple[int, int]] = []
    for point in points:
        if ranges and point == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], point)
        else:
            ranges.append((point, point))
    return ", ".join(f"U+{a:X}" if a == b else f"U+{a:X}-{b:X}" for a, b in ranges)


def licence_text(faces: Iterable[Face], chain_licence: Path | None) -> str:
    """The licence file packaged with embedded subsets: each face's copyright and licence, as
    its name table gives them, then the licence text the layouts name."""
    parts = []
    for face in faces:
        try:
            names = TTFont(face.path, fontNumber=face.index, lazy=True)["name"]
            notice = [names.getDebugName(n) or "" for n in (0, 13, 14)]
        except (OSError, TTLibError, KeyError):
            notice = ["", "", ""]
        parts.append(f"{face.family} (a subset, {face.path.name}):\n" + "\n".join(n for n in notice if n) + "\n")
    text = "\n".join(parts)
    if chain_licence is not None and chain_licence.is_file():
        text += "\n" + chain_licence.read_text(encoding="utf-8")
    return text


def font_type(data: bytes) -> tuple[str, str]:
    """(file suffix, media type) of TrueType or OpenType (CFF) bytes."""
    return (".otf", "font/otf") if data[:4] == b"OTTO" else (".ttf", "font/ttf")
