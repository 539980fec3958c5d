"""Draw idlib-people-2020-ar.svg: the Arabic, right-to-left version of
manuscript/images/idlib-people-2020.svg, with every label already shaped and outlined.

Why outlines: WeasyPrint 70 draws SVG <text> one character at a time, so Arabic letters in
an SVG would neither join nor run right to left. Here HarfBuzz shapes each label (Noto Naskh
Arabic for Arabic, Inter for Latin and figures, both from layouts/fonts) and fontTools turns
the glyphs into paths, so the chart looks the same in the PDF and in every ePub reader.
The SVG keeps an Arabic <title> and <desc>; the manuscript gives the full alt text.

Not part of the build. To redraw after changing a label (any Python with the two packages):

    python -m venv /tmp/chart && /tmp/chart/bin/pip install uharfbuzz fonttools
    /tmp/chart/bin/python manuscript-ar/images/make-chart.py
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import uharfbuzz as hb
from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.pens.transformPen import TransformPen
from fontTools.ttLib import TTFont

HERE = Path(__file__).resolve().parent
FONTS = HERE.parent.parent / "layouts" / "fonts"
FACES = {
    ("arabic", 400): FONTS / "noto-naskh-arabic" / "NotoNaskhArabic-Regular.ttf",
    ("arabic", 700): FONTS / "noto-naskh-arabic" / "NotoNaskhArabic-Bold.ttf",
    ("latin", 400): FONTS / "inter" / "Inter-Regular.otf",
    ("latin", 600): FONTS / "inter" / "Inter-SemiBold.otf",
    ("latin", 700): FONTS / "inter" / "Inter-Bold.otf",
}
_cache: dict[Path, tuple[hb.Font, TTFont]] = {}


def face(path: Path) -> tuple[hb.Font, TTFont]:
    if path not in _cache:
        blob = hb.Blob.from_file_path(str(path))
        _cache[path] = (hb.Font(hb.Face(blob)), TTFont(str(path)))
    return _cache[path]


def runs(text: str) -> list[tuple[str, str]]:
    """Split a label into directional runs in logical order (a small subset of the UBA that
    is enough for these labels): Arabic letters are RTL; Latin letters and numbers, with the
    separators inside them, are LTR; other neutrals take the direction of their neighbours
    when both agree, else the paragraph's (RTL)."""
    kinds = []
    for ch in text:
        bidi = unicodedata.bidirectional(ch)
        kinds.append("rtl" if bidi in ("R", "AL", "AN") else "ltr" if bidi in ("L", "EN") else None)
    for i, ch in enumerate(text):  # separators inside numbers: 3,500,000 and 3.5
        separator = kinds[i] is None and unicodedata.bidirectional(ch) in ("CS", "ES", "ET")
        if separator and 0 < i < len(text) - 1 and kinds[i - 1] == kinds[i + 1] == "ltr":
            kinds[i] = "ltr"
    for i in range(len(text)):
        if kinds[i] is None:
            before = next((k for k in reversed(kinds[:i]) if k), "rtl")
            after = next((k for k in kinds[i + 1 :] if k), "rtl")
            kinds[i] = before if before == after else "rtl"
    out: list[tuple[str, str]] = []
    for ch, kind in zip(text, kinds, strict=True):
        if out and out[-1][1] == kind:
            out[-1] = (out[-1][0] + ch, kind)
        else:
            out.append((ch, kind))
    return out


def shape(text: str, direction: str, weight: int, size: float) -> tuple[list[str], float]:
    """Path data for one run laid out from x=0 on the baseline, and its advance width."""
    script = "arabic" if direction == "rtl" else "latin"
    path = FACES.get((script, weight)) or FACES[(script, 700 if weight > 400 else 400)]
    font, ttf = face(path)
    buf = hb.Buffer()
    buf.add_str(text)
    buf.direction = direction
    buf.script = "Arab" if direction == "rtl" else "Latn"
    buf.language = "ar" if direction == "rtl" else "en"
    hb.shape(font, buf, {"kern": True, "liga": True})
    scale = size / ttf["head"].unitsPerEm
    glyphs = ttf.getGlyphSet()
    order = ttf.getGlyphOrder()
    x = 0.0
    paths = []
    for info, pos in zip(buf.glyph_infos, buf.glyph_positions, strict=True):
        pen = SVGPathPen(glyphs, ntos=_number)
        transform = (scale, 0, 0, -scale, (x + pos.x_offset) * scale, -pos.y_offset * scale)
        glyphs[order[info.codepoint]].draw(TransformPen(pen, transform))
        if pen.getCommands():
            paths.append(pen.getCommands())
        x += pos.x_advance
    return paths, x * scale


def _number(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def label(text: str, x: float, y: float, size: float, fill: str, weight: int = 400, anchor: str = "right") -> str:
    """A label whose right (or left) edge sits at x, its baseline at y; runs placed right to left."""
    shaped = [(shape(part, direction, weight, size), part) for part, direction in runs(text)]
    total = sum(width for (_, width), _ in shaped)
    right = x if anchor == "right" else x + total
    parts = []
    for (paths, width), _part in shaped:
        left = right - width
        for d in paths:
            parts.append(f'<path transform="translate({left:.2f} {y:.2f})" d="{d}"/>')
        right = left
    return f'<g fill="{fill}" aria-hidden="true">\n    ' + "\n    ".join(parts) + "\n  </g>"


def main() -> None:
    ink, muted, red = "#333333", "#767676", "#B3261E"
    full = 540.0
    displaced = round(full * 800_000 / 3_500_000, 1)  # the same scale as the English chart
    body = [
        '<rect x="0" y="0" width="600" height="300" fill="#ffffff"/>',
        label("إدلب، شباط 2020", 570, 40, 19, ink, 700),
        label("عدد الأشخاص، والشريطان مرسومان بالمقياس نفسه", 570, 63, 13, muted),
        label("يعيشون في إدلب", 570, 100, 14, ink),
        f'<rect x="{600 - 30 - full}" y="110" width="{full}" height="44" fill="#d9d9d9"/>',
        label("قرابة 3,500,000", 42, 139, 16, ink, 600, anchor="left"),
        label("نزحوا منذ كانون الأول 2019", 570, 186, 14, ink),
        f'<rect x="{570 - displaced:.1f}" y="196" width="{displaced}" height="44" fill="{red}"/>',
        label("800,000", 570 - displaced - 12, 225, 16, ink, 600),
        '<line x1="570" y1="110" x2="570" y2="154" stroke="#333333" stroke-width="1"/>',
        '<line x1="570" y1="196" x2="570" y2="240" stroke="#333333" stroke-width="1"/>',
        label("المصدر: صفحة تقرير Idlib Lives، تحديث 24 شباط 2020.", 570, 281, 12, muted),
    ]
    svg = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="600" height="300" viewBox="0 0 600 300"'
        ' role="img" aria-labelledby="title desc" xml:lang="ar" direction="rtl">\n'
        '  <title id="title">سكان إدلب والنازحون، شباط 2020</title>\n'
        '  <desc id="desc">رسم بياني بشريطين أفقيين مرسومين بالمقياس نفسه ويبدآن من اليمين. الشريط الرمادي'
        " الفاتح يمثّل قرابة 3,500,000 نسمة يعيشون في إدلب ويمتدّ على عرض الرسم كله، والشريط الأحمر"
        " الداكن يمثّل 800,000 نازح منذ كانون الأول 2019، وطوله أقل بقليل من ربع الأول. المصدر: صفحة"
        " تقرير Idlib Lives، تحديث 24 شباط 2020. النصوص في الرسم مرسومة خطوطًا.</desc>\n  "
        + "\n  ".join(body)
        + "\n</svg>\n"
    )
    (HERE / "idlib-people-2020-ar.svg").write_text(svg, encoding="utf-8")


if __name__ == "__main__":
    main()
