"""Vega-Lite to SVG, offline, with the layout's type: the one place that calls vl-convert.

vl-convert-python runs Vega-Lite and Vega in an embedded JavaScript engine, with no browser and
no network. It keeps one converter per process (its first chart takes about two seconds to
start the engine; later ones tens of milliseconds), so charts are converted here and nowhere
else, and each SVG is kept in the build cache by a digest of everything it is made from.

What a chart is given:

- the layout's chart configuration (``charts/config.yaml``, with ``charts/config-rtl.yaml``
  merged over it for right-to-left languages): a Vega-Lite ``config`` naming the report's type
  (the layout's own font name first, for the PDF, which knows it from the layout's
  ``@font-face``; the font's family name next, which vl-convert measures text with; a generic
  family last, for readers of the ePub and the site) and a palette that holds on white paper;
- the fonts of every layouts folder (``fonts/``), registered once, so labels are measured with
  the faces they are drawn with;
- number and date formats made from Babel (:mod:`.source.datafiles`), so the chart writes
  ``800,000`` exactly as the text and the data table do;
- no way out: ``allowed_base_urls=[]`` refuses any URL (the source pass has already inlined the
  data it admitted).

The SVG keeps its text as ``<text>``: in the PDF the labels are real, selectable text.

:func:`light_marks` is the print check: every colour a mark is drawn in, with its contrast
against white paper (WCAG 2 non-text contrast asks 3:1).
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from lxml import etree

from .errors import ReportBuildError
from .source import datafiles

MIN_CONTRAST = 3.0  # WCAG 2.2 1.4.11, non-text contrast: what a mark needs against the paper
SVG_NS = "http://www.w3.org/2000/svg"
_lock = threading.Lock()
_registered: set[str] = set()


class ChartError(ReportBuildError):
    """Vega-Lite could not make a chart of the spec."""


@functools.lru_cache(maxsize=1)
def version() -> str:
    """vl-convert's version and the Vega-Lite it bundles: part of every cached chart's key."""
    from importlib.metadata import version as installed

    return f"vl-convert-python {installed('vl-convert-python')}"


def register_fonts(folders: Iterable[Path]) -> None:
    """Register each folder of fonts with the converter, once per process."""
    import vl_convert

    with _lock:
        for folder in folders:
            key = str(folder.resolve())
            if key not in _registered and folder.is_dir():
                vl_convert.register_font_directory(key)
                _registered.add(key)


def format_locale(language: str) -> dict[str, Any]:
    """A d3-format locale with the language's separators and digits (Babel's, as the text has)."""
    decimal, group = datafiles.symbols(language)
    where = datafiles.locale(language)
    from babel import numbers

    minus = numbers.get_minus_sign_symbol(where, numbering_system=where.default_numbering_system)
    found: dict[str, Any] = {
        "decimal": decimal,
        "thousands": group,
        "grouping": [3],
        "currency": ["", ""],
        "minus": minus,
        "percent": numbers._get_number_symbols(where, numbering_system=where.default_numbering_system).get(
            "percentSign", "%"
        ),
    }
    digits = datafiles.digits_of(language)
    if digits:
        found["numerals"] = list(digits)
    return found


def time_locale(language: str) -> dict[str, Any]:
    """A d3-time-format locale: the language's day and month names (Babel), Sunday first."""
    from babel import dates

    where = datafiles.locale(language)

    def week(width: str) -> list[str]:
        names = dates.get_day_names(width, locale=where)  # 0 is Monday
        return [names[6], *(names[i] for i in range(6))]

    def months(width: str) -> list[str]:
        names = dates.get_month_names(width, locale=where)
        return [names[i] for i in range(1, 13)]

    periods = dates.get_period_names(locale=where)
    return {
        "dateTime": "%x, %X",
        "date": "%Y-%m-%d",
        "time": "%H:%M:%S",
        "periods": [periods.get("am", "AM"), periods.get("pm", "PM")],
        "days": week("wide"),
        "shortDays": week("abbreviated"),
        "months": months("wide"),
        "shortMonths": months("abbreviated"),
    }


def key(spec: dict[str, Any], config: dict[str, Any], language: str, fonts: str) -> str:
    """A digest of everything an SVG is made from (``fonts``: a digest of the font files)."""
    text = json.dumps([spec, config, language, fonts, version()], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def render(spec: dict[str, Any], config: dict[str, Any], language: str) -> str:
    """The spec as an SVG document (data already inline); :class:`ChartError` if Vega-Lite refuses it."""
    import vl_convert

    try:
        with _lock:  # one converter per process: calls are serialised
            svg = vl_convert.vegalite_to_svg(
                spec,
                config=config,
                allowed_base_urls=[],
                format_locale=format_locale(language),
                time_format_locale=time_locale(language),
                show_warnings=False,
            )
    except (ValueError, RuntimeError, TypeError) as exc:
        raise ChartError(_reason(str(exc))) from None
    return _tidy(svg)


def _reason(message: str) -> str:
    """The first meaningful line of a vl-convert error (no JavaScript stack)."""
    lines = [line.strip() for line in message.splitlines() if line.strip() and not line.strip().startswith("at ")]
    lines = [line for line in lines if not line.endswith("conversion failed:")]
    text = lines[0] if lines else message.strip()
    return re.sub(r"^(Error|TypeError|ReferenceError):\s*", "", text)


def _tidy(svg: str) -> str:
    """An SVG file of its own: an XML declaration, and the classes Vega adds for interaction gone."""
    svg = svg.replace(' pointer-events="none"', "")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + svg.strip() + "\n"


def light_marks(svg: str, paper: str = "#ffffff") -> list[tuple[str, float]]:
    """Each colour the chart's marks are drawn in whose contrast with the paper is below
    :data:`MIN_CONTRAST`, with that contrast; axes, grids and the background are not marks."""
    root = etree.fromstring(svg.encode())
    found: dict[str, float] = {}
    for group in root.iter(f"{{{SVG_NS}}}g"):
        classes = (group.get("class") or "").split()
        if "role-mark" not in classes or any(c.startswith("mark-text") for c in classes):
            continue
        for element in group.iter():
            if not isinstance(element.tag, str) or element is group:
                continue
            opacity = _float(element.get("opacity"), 1.0)
            for attribute in ("fill", "stroke"):
                colour = (element.get(attribute) or "").strip()
                if not colour or colour in ("none", "transparent"):
                    continue
                rgb = parse_colour(colour)
                if rgb is None:
                    continue
                alpha = opacity * _float(element.get(f"{attribute}-opacity"), 1.0)
                shown = _over_paper(rgb, alpha, parse_colour(paper) or (1.0, 1.0, 1.0))
                ratio = contrast(shown, parse_colour(paper) or (1.0, 1.0, 1.0))
                if ratio < MIN_CONTRAST:
                    found[colour] = min(ratio, found.get(colour, ratio))
    return sorted(found.items())


def _float(value: str | None, default: float) -> float:
    try:
        return float(value) if value is not None else default
    except ValueError:
        return default


def _over_paper(rgb: tuple[float, float, float], alpha: float, paper: tuple[float, float, float]):
    return tuple(alpha * c + (1 - alpha) * p for c, p in zip(rgb, paper, strict=True))


NAMED = {"white": "#ffffff", "black": "#000000", "red": "#ff0000", "green": "#008000", "blue": "#0000ff"}
NAMED |= {"gray": "#808080", "grey": "#808080", "yellow": "#ffff00", "orange": "#ffa500", "steelblue": "#4682b4"}


def parse_colour(text: str) -> tuple[float, float, float] | None:
    """#rgb, #rrggbb, rgb(r, g, b) or a few named colours, as 0..1 channels."""
    text = NAMED.get(text.strip().lower(), text.strip().lower())
    if re.fullmatch(r"#[0-9a-f]{3}", text):
        text = "#" + "".join(c * 2 for c in text[1:])
    if re.fullmatch(r"#[0-9a-f]{6}", text):
        return tuple(int(text[i : i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]
    match = re.fullmatch(r"rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*[\d.]+\s*)?\)", text)
    if match:
        return tuple(min(255.0, float(v)) / 255 for v in match.groups())  # type: ignore[return-value]
    return None


def contrast(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    """WCAG 2 contrast ratio of two sRGB colours."""

    def luminance(rgb: tuple[float, float, float]) -> float:
        def channel(c: float) -> float:
            return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

        r, g, b_ = (channel(c) for c in rgb)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b_

    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
