"""The ePub's generated cover: a PNG drawn from the title, subtitle, publisher, version and date."""

from __future__ import annotations

import io
import re
from functools import lru_cache

from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

from ...errors import ResourceError
from ...model import Document
from ...theme import Theme

COVER_SIZE = (1600, 2400)
COVER_ACCENT = (0xA8, 0x22, 0x1B)
COVER_FONTS = ("fonts/inter/Inter-Bold.otf", "fonts/inter/Inter-Regular.otf")
COVER_FONTS_ARABIC = (
    "fonts/noto-naskh-arabic/NotoNaskhArabic-Bold.ttf",
    "fonts/noto-naskh-arabic/NotoNaskhArabic-Regular.ttf",
)
ARABIC_LETTERS = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")


def draw_cover(doc: Document, theme: Theme) -> bytes:
    meta = doc.metadata
    words = " ".join((meta.title, meta.subtitle, meta.publisher, *meta.authors))
    font_names = COVER_FONTS + (COVER_FONTS_ARABIC if ARABIC_LETTERS.search(words) else ())
    fonts = [theme.find(name) for name in font_names]
    missing = [name for name, path in zip(font_names, fonts, strict=True) if path is None]
    if missing:
        raise ResourceError(f"cover fonts not found in the layouts: {', '.join(missing)}")
    foot = []
    if doc.draft:
        foot.append(str(theme.strings.get("draft", "DRAFT")))
    if doc.version:
        line = f"{theme.strings.get('version', 'Version')} {doc.version}"
        foot.append(line + (f" · {theme.longdate(doc.date)}" if doc.date else ""))
    elif doc.date:
        foot.append(theme.longdate(doc.date))
    return _cover_png(
        meta.title,
        meta.subtitle,
        meta.publisher,
        tuple(foot),
        ", ".join(meta.authors),
        tuple(str(path) for path in fonts),
        meta.direction == "rtl",
    )


@lru_cache(maxsize=8)
def _cover_png(
    title: str,
    subtitle: str,
    publisher: str,
    foot: tuple[str, ...],
    authors: str,
    fonts: tuple[str, ...],
    rtl: bool,
) -> bytes:
    """Draw the cover: deterministic for the same words and fonts (no timestamps in the PNG).

    Publisher at the top, authors, version and date at the foot, and between them the title
    and subtitle, as large as fits: long titles wrap and shrink, never overlap the rest.
    ``fonts`` is (bold, regular) Inter, then (bold, regular) Arabic when any text is in Arabic script.
    """
    bold_path, regular_path = fonts[0], fonts[1]
    width, height = COVER_SIZE
    margin, gap = 150, 80
    measure = width - 2 * margin
    image = PILImage.new("RGB", COVER_SIZE, COVER_ACCENT)
    draw = ImageDraw.Draw(image)
    x, anchor = (width - margin, "ra") if rtl else (margin, "la")

    def wrap(text: str, face: ImageFont.FreeTypeFont) -> list[str] | None:
        lines: list[str] = []
        for word in text.split():
            candidate = f"{lines[-1]} {word}" if lines else word
            if lines and draw.textlength(candidate, font=face) <= measure:
                lines[-1] = candidate
            elif draw.textlength(word, font=face) <= measure:
                lines.append(word)
            else:
                return None  # one word is wider than the measure at this size
        return lines

    def fit(text: str, path: str, size: int, smallest: int, max_lines: int) -> tuple[ImageFont.FreeTypeFont, list[str]]:
        if len(fonts) == 4 and ARABIC_LETTERS.search(text):  # Inter has no Arabic letters
            path = fonts[2] if path == bold_path else fonts[3]
        while True:
            face = ImageFont.truetype(path, size)
            lines = wrap(text, face)
            if lines is not None and len(lines) <= max_lines:
                return face, lines
            if size <= smallest:  # still too long: cut words, never run off the page
                return face, [_clip(draw, line, face, measure) for line in (lines or text.split())[:max_lines]]
            size = max(smallest, size - 6)

    def latin_face(face: ImageFont.FreeTypeFont) -> ImageFont.FreeTypeFont:
        """Inter at the same size and weight, for Latin words the Arabic font has no letters for."""
        bold = len(fonts) == 4 and face.path == fonts[2]
        return ImageFont.truetype(bold_path if bold else regular_path, face.size)

    def draw_line(line: str, face: ImageFont.FreeTypeFont, y: float) -> None:
        runs = _script_runs(line) if len(fonts) == 4 and face.path in fonts[2:] else [(line, True)]
        if len(runs) == 1 and runs[0][1]:
            draw.text((x, y), line, font=face, fill="white", anchor=anchor)
            return
        cursor, space = float(x), draw.textlength(" ", font=face)
        for text, arabic in runs:  # logical order; right to left on a right-to-left cover
            run_face = face if arabic else latin_face(face)
            width = draw.textlength(text, font=run_face)
            draw.text((cursor, y), text, font=run_face, fill="white", anchor=anchor)
            cursor += -(width + space) if rtl else width + space

    def draw_block(lines: list[str], face: ImageFont.FreeTypeFont, top: float, leading: float) -> float:
        step = face.size * leading
        for number, line in enumerate(lines):
            draw_line(line, face, top + number * step)
        return top + len(lines) * step

    top_limit = margin
    if publisher:
        face, lines = fit(publisher, regular_path, 56, 36, 2)
        top_limit = draw_block(lines, face, margin, 1.3) + gap

    foot_blocks = [
        fit(text, regular_path, size, 32, 3)
        for text, size in ([(authors, 56)] if authors else []) + [(line, 48) for line in foot]
    ]
    bottom_limit = height - margin - sum(len(lines) * face.size * 1.3 + 20 for face, lines in foot_blocks)
    y = bottom_limit + 20
    for face, lines in foot_blocks:
        y = draw_block(lines, face, y, 1.3) + 20
    bottom_limit -= gap

    room = bottom_limit - top_limit
    size = 180
    while True:
        title_face, title_lines = fit(title, bold_path, size, 48, 6)
        sub = fit(subtitle, regular_path, max(40, int(title_face.size * 0.45)), 32, 5) if subtitle else None
        total = len(title_lines) * title_face.size * 1.15 + (
            sub[0].size * 0.5 + len(sub[1]) * sub[0].size * 1.3 if sub else 0
        )
        if total <= room or title_face.size <= 48:
            break
        size = title_face.size - 6
    y = max(top_limit, min(height * 0.30, bottom_limit - total))
    y = draw_block(title_lines, title_face, y, 1.15)
    if sub is not None:
        draw_block(sub[1], sub[0], y + sub[0].size * 0.5, 1.3)

    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False, compress_level=9)
    return out.getvalue()


def _clip(draw: ImageDraw.ImageDraw, word: str, face: ImageFont.FreeTypeFont, measure: int) -> str:
    while word and draw.textlength(word + "…", font=face) > measure:
        word = word[:-1]
    return word + "…"


def _script_runs(line: str) -> list[tuple[str, bool]]:
    """Consecutive words grouped by script: (text, True) for Arabic, (text, False) for the rest."""
    runs: list[tuple[str, bool]] = []
    for word in line.split():
        arabic = bool(ARABIC_LETTERS.search(word)) or all(ch.isdigit() or ch in ".,:;()-/" for ch in word)
        if runs and runs[-1][1] == arabic:
            runs[-1] = (f"{runs[-1][0]} {word}", arabic)
        else:
            runs.append((word, arabic))
    return runs
