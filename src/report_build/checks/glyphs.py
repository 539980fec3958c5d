"""Glyph coverage read back from a finished PDF: every character of the text must be drawn by a
real glyph of an embedded font, not by the font's ``.notdef`` glyph (the empty box, "tofu").

A build warns about characters it cannot draw before it lays anything out
(:func:`report_build.fonts.check_glyphs`); this check looks at what was written, so it also
judges a PDF made elsewhere or earlier. For each Type 0 font of each page (and of the forms the
pages draw), it follows every character code the text uses from the font's encoding to its CID
and glyph id; a code whose glyph id is 0 and whose ``ToUnicode`` entry is a visible character is
a character printed as an empty box.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import pikepdf

from ..fonts import visible
from .validators import Finding

HEX = r"<([0-9A-Fa-f]+)>"
BFCHAR = re.compile(r"beginbfchar(.*?)endbfchar", re.S)
BFRANGE = re.compile(r"beginbfrange(.*?)endbfrange", re.S)
CIDCHAR = re.compile(r"begincidchar(.*?)endcidchar", re.S)
CIDRANGE = re.compile(r"begincidrange(.*?)endcidrange", re.S)


@dataclass
class GlyphCoverage:
    """What the check saw: the fonts, the glyphs it followed, and the characters printed as
    empty boxes (character, font name), in the order first met."""

    fonts: int = 0
    glyphs: int = 0
    missing: list[tuple[str, str]] = field(default_factory=list)

    @property
    def characters(self) -> list[str]:
        return list(dict.fromkeys(char for char, _font in self.missing))

    def findings(self) -> list[Finding]:
        """One error for each character printed as an empty box."""
        found = []
        for char in self.characters:
            fonts = sorted({font for c, font in self.missing if c == char})
            code = " ".join(f"U+{ord(c):04X}" for c in char)
            found.append(
                Finding(
                    "error",
                    "pdf",
                    "GLYPH",
                    f"'{char}' ({code}) prints as an empty box: no font embedded in the PDF has it "
                    f"(drawn with {', '.join(fonts)}); install a font that covers it and build again",
                )
            )
        return found


@dataclass(frozen=True)
class Glyph:
    """One glyph the PDF's text uses: its font (the name without the subset prefix), the text it
    stands for, and its glyph id in the embedded font program."""

    font: str
    text: str
    gid: int


def glyph_coverage(data: bytes) -> GlyphCoverage:
    """Follow every character code of every embedded Type 0 font of the PDF to its glyph."""
    report = GlyphCoverage()
    fonts: set[str] = set()
    for glyph in glyphs(data):
        fonts.add(glyph.font)
        report.glyphs += 1
        if glyph.gid == 0 and any(visible(char) for char in glyph.text):
            report.missing.append((glyph.text, glyph.font))
    report.fonts = len(fonts)
    return report


def glyphs(data: bytes) -> Iterator[Glyph]:
    """Every glyph of every Type 0 font the pages (and their forms) use, with its text."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for font in _fonts(pdf):
            if font.get("/Subtype") != "/Type0" or "/ToUnicode" not in font:
                continue
            texts = _to_unicode(font.ToUnicode.read_bytes().decode("latin-1"))
            cids = _encoding(font.get("/Encoding"))
            gids = _cid_to_gid(font.DescendantFonts[0])
            name = str(font.get("/BaseFont", "?")).lstrip("/").split("+")[-1]
            for code, text in texts.items():
                yield Glyph(name, text, gids(cids(code)))


def _fonts(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Dictionary]:
    """Every font the pages and their forms use, once."""
    seen: set[tuple[int, int]] = set()
    stack = [page.obj.get("/Resources") for page in pdf.pages]
    while stack:
        resources = stack.pop()
        if not isinstance(resources, pikepdf.Dictionary):
            continue
        for font in (resources.get("/Font") or {}).values():
            key = font.objgen
            if key not in seen or key == (0, 0):
                seen.add(key)
                yield font
        for xobject in (resources.get("/XObject") or {}).values():
            if xobject.get("/Subtype") == "/Form" and xobject.objgen not in seen:
                seen.add(xobject.objgen)
                stack.append(xobject.get("/Resources"))


def _to_unicode(cmap: str) -> dict[int, str]:
    """Character code → text, from a ToUnicode CMap (bfchar and bfrange)."""
    found: dict[int, str] = {}
    for block in BFCHAR.findall(cmap):
        for source, target in re.findall(rf"{HEX}\s*{HEX}", block):
            found[int(source, 16)] = _utf16(target)
    for block in BFRANGE.findall(cmap):
        for low, high, target in re.findall(rf"{HEX}\s*{HEX}\s*(<[0-9A-Fa-f]+>|\[[^\]]*\])", block):
            start, end = int(low, 16), int(high, 16)
            if target.startswith("["):
                for offset, item in enumerate(re.findall(HEX, target)):
                    found[start + offset] = _utf16(item)
            else:
                base = int(target[1:-1], 16)
                for offset in range(end - start + 1):
                    found[start + offset] = _utf16(f"{base + offset:04X}")
    return found


def _utf16(hex_text: str) -> str:
    try:
        return bytes.fromhex(hex_text).decode("utf-16-be")
    except (ValueError, UnicodeDecodeError):
        return ""


def _encoding(encoding: object):
    """Character code → CID: Identity, or the font's own CMap (cidchar and cidrange)."""
    if not isinstance(encoding, pikepdf.Stream):
        return lambda code: code
    cmap = encoding.read_bytes().decode("latin-1")
    table: dict[int, int] = {}
    for block in CIDCHAR.findall(cmap):
        for source, cid in re.findall(rf"{HEX}\s*(\d+)", block):
            table[int(source, 16)] = int(cid)
    for block in CIDRANGE.findall(cmap):
        for low, high, cid in re.findall(rf"{HEX}\s*{HEX}\s*(\d+)", block):
            for offset in range(int(high, 16) - int(low, 16) + 1):
                table[int(low, 16) + offset] = int(cid) + offset
    return lambda code: table.get(code, code)


def _cid_to_gid(descendant: pikepdf.Dictionary):
    """CID → glyph id: Identity (and for CFF fonts), or the CIDToGIDMap stream."""
    mapping = descendant.get("/CIDToGIDMap")
    if not isinstance(mapping, pikepdf.Stream):
        return lambda cid: cid
    data = mapping.read_bytes()
    return lambda cid: int.from_bytes(data[2 * cid : 2 * cid + 2], "big") if 2 * cid + 2 <= len(data) else 0
