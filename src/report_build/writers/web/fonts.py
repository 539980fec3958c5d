"""The shipped fonts as WOFF2 subsets: only the letters the site uses.

Faces come from ``css/fonts.css`` in the layouts (the same @font-face rules as the PDF); a
face is shipped when the site's stylesheet names its family (the Arabic face only when the
text has Arabic letters, the monospace face only when there is code, italics of the text
face only: headings and furniture are upright). fontTools subsets each
one to the characters of every page, keeping the OpenType features the stylesheet asks for
(old-style and tabular figures, kerning, ligatures, Arabic joining), and writes WOFF2 with
Brotli. Timestamps inside the fonts are left as they are, so the same text gives the same
bytes; subsets are cached in ``output/.cache`` by a digest of font and characters.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import Any

from fontTools import subset
from fontTools.ttLib import TTFont
from lxml import etree

from ... import fonts as font_chain
from ...cache import BuildCache
from ...errors import RenderError
from ...images import SVG_NS
from ...theme import Theme

FONT_FACE = re.compile(r"@font-face\s*\{([^}]*)\}", re.IGNORECASE)
PROPERTY = re.compile(r"([a-z-]+)\s*:\s*([^;]+)", re.IGNORECASE)
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")
ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
FEATURES = ("onum", "lnum", "tnum", "pnum", "kern", "liga", "clig", "calt", "ccmp", "locl", "mark", "mkmk")
# Characters a page may show beyond its text: digits and punctuation of the furniture.
ALWAYS = "".join(chr(c) for c in range(0x20, 0x7F))
ALWAYS += "\u00a0\u2013\u2014\u2018\u2019\u201c\u201d\u00ab\u00bb\u2026\u00b7\u2190\u2192"
SUBSET_VERSION = "1"  # bump when the subsetting options change, to miss old cache entries


@dataclass(frozen=True)
class Face:
    family: str
    style: str
    weight: str
    source: Path


def faces(theme: Theme, css: str) -> list[Face]:
    """The faces of css/fonts.css whose family the stylesheet ``css`` names."""
    path = theme.find("css/fonts.css")
    if path is None:
        raise RenderError("the layouts have no css/fonts.css for the web edition's fonts")
    used = css.lower()
    found = []
    for rule in FONT_FACE.findall(path.read_text(encoding="utf-8")):
        props = {name.lower(): value.strip() for name, value in PROPERTY.findall(rule)}
        family = props.get("font-family", "").strip("'\"")
        urls = CSS_URL.findall(rule)
        if not family or not urls or f'"{family.lower()}"' not in used:
            continue
        source = (path.parent / urls[0]).resolve()
        if not _in_layouts(source, theme) or not source.is_file():
            raise RenderError(f"font '{urls[0]}' named in css/fonts.css is not in the layouts", path)
        found.append(Face(family, props.get("font-style", "normal"), props.get("font-weight", "400"), source))
    return found


def web_fonts(
    theme: Theme, css: str, text: str, has_code: bool, cache: BuildCache | None = None, language: str = "en"
) -> tuple[str, dict[str, bytes]]:
    """(@font-face rules, {site path: WOFF2 bytes}) for the characters of ``text``: the layouts'
    own faces, then the fallback faces the text needs (:func:`fallback_fonts`). In Chinese and
    Japanese, quotes, ellipsis and dash are left out of the own faces' subsets: the CJK face
    draws them, full width (:func:`~report_build.fonts.full_width_punctuation`)."""
    characters = "".join(sorted((set(text) | set(ALWAYS)) - set(font_chain.full_width_punctuation(language))))
    arabic = bool(ARABIC.search(text))
    shipped = []
    for face in faces(theme, css):
        if "arabic" in face.family.lower() and not arabic:
            continue
        if "mono" in face.family.lower() and not has_code:
            continue
        if face.style == "italic" and "serif" not in face.family.lower():
            continue  # only the text face is set in italics; headings and furniture are upright
        shipped.append(face)
    subsets = _subsets([face.source for face in shipped], characters, cache)
    rules, files = [], {}
    for face in shipped:
        name = f"assets/fonts/{face.source.stem.lower()}.woff2"
        files[name] = subsets[face.source]
        rules.append(
            f'@font-face {{ font-family: "{face.family}"; font-style: {face.style}; font-weight: {face.weight}; '
            f'font-display: swap; src: url({name.removeprefix("assets/")}) format("woff2"); }}'
        )
    fallback_rules, fallback_files = fallback_fonts(theme, text, has_code, cache, language)
    return "\n".join(rules + fallback_rules) + "\n", files | fallback_files


FALLBACK_FAMILIES = {"serif": "RB Fallback Serif", "sans": "RB Fallback Sans", "mono": "RB Fallback Mono"}
JOINERS = "\u200c\u200d"  # kept with every script's face: they join or part the letters around them


def fallback_fonts(
    theme: Theme, text: str, has_code: bool, cache: BuildCache | None, language: str
) -> tuple[list[str], dict[str, bytes]]:
    """WOFF2 subsets of the fallback faces (``fonts/fallback.yaml``) that draw what the own faces
    cannot, for each style the stylesheet names (``"RB Fallback Serif"``, ``… Sans``,
    ``… Mono``), each rule limited to its characters with ``unicode-range``: a browser fetches a
    face only for a page that shows one of them. With a licence file beside them."""
    coverage = font_chain.Coverage(theme, language)
    characters = set(text)
    marks = set(font_chain.full_width_punctuation(language))  # the own faces' subsets leave them out
    by_style = {
        style: font_chain.characters_by_face(characters - marks, coverage, style)
        for style in FALLBACK_FAMILIES
        if style != "mono" or has_code
    }
    for style in ("serif", "sans"):  # code keeps the monospaced face's marks
        for char in sorted(marks):  # all of them, whether the text has them or not, as ALWAYS does
            face = coverage.fallback_face(char, style)  # the language's own script's face first: CJK
            if face is not None:
                by_style[style][face] = "".join(sorted(by_style[style].get(face, "") + char))
    wanted: dict[font_chain.Face, set[str]] = {}
    for faces in by_style.values():
        for face, chars in faces.items():
            wanted.setdefault(face, set()).update(chars + "".join(c for c in JOINERS if c in characters))
    made = _fallback_subsets({face: "".join(sorted(chars)) for face, chars in wanted.items()}, cache)
    rules, files = [], {}
    for style, faces in by_style.items():
        for face, chars in sorted(faces.items(), key=lambda item: item[0].family):
            if face not in made:
                continue
            name = f"assets/fonts/fallback-{re.sub(r'[^a-z0-9]+', '-', face.family.lower())}.woff2"
            files[name] = made[face]
            rules.append(
                f'@font-face {{ font-family: "{FALLBACK_FAMILIES[style]}"; font-style: normal; font-weight: 400; '
                f'font-display: swap; src: url({name.removeprefix("assets/")}) format("woff2"); '
                f"unicode-range: {font_chain.unicode_range(chars)}; }}"
            )
    if files:
        licence = font_chain.licence_text([f for f in wanted if f in made], theme.fallback.licence)
        files["assets/fonts/fallback-LICENSE.txt"] = licence.encode("utf-8")
    return rules, files


def _fallback_subsets(wanted: dict[font_chain.Face, str], cache: BuildCache | None) -> dict[font_chain.Face, bytes]:
    """Each face cut down by HarfBuzz to its characters, then WOFF2 (Brotli takes a second or two
    for a CJK face): from the cache when the face and characters are the same."""
    done: dict[font_chain.Face, bytes] = {}
    todo: dict[font_chain.Face, tuple[bytes, str]] = {}
    for face, characters in wanted.items():
        status = face.path.stat()
        stamp = f"{face.path}|{face.index}|{status.st_size}|{status.st_mtime_ns}|{characters}|{SUBSET_VERSION}"
        entry = f"woff2-fallback-{hashlib.sha256(stamp.encode()).hexdigest()[:32]}.bin"
        cached = cache.read(entry) if cache is not None else None
        if cached is not None:
            done[face] = cached
            continue
        data = font_chain.subset(face, characters)
        if data is not None:
            todo[face] = (data, entry)
    workers = min(len(todo), os.cpu_count() or 1)
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            made = dict(zip(todo, pool.map(to_woff2, [data for data, _ in todo.values()]), strict=True))
    else:
        made = {face: to_woff2(data) for face, (data, _) in todo.items()}
    for face, result in made.items():
        done[face] = result
        if cache is not None:
            cache.put(todo[face][1], result)
    return done


def to_woff2(data: bytes) -> bytes:
    """TrueType or OpenType bytes as WOFF2, tables as they are."""
    font = TTFont(io.BytesIO(data), recalcTimestamp=False, recalcBBoxes=False, lazy=True)
    font.flavor = "woff2"
    out = io.BytesIO()
    font.save(out, reorderTables=False)
    return out.getvalue()


def _subsets(sources: list[Path], characters: str, cache: BuildCache | None) -> dict[Path, bytes]:
    """Each font subset to ``characters``: from the cache, or made, several at once when there
    are cores to spare (each subset takes about a second)."""
    done: dict[Path, bytes] = {}
    wanted: dict[Path, tuple[bytes, str]] = {}
    for source in dict.fromkeys(sources):
        data = source.read_bytes()
        key = hashlib.sha256(data + characters.encode("utf-8") + SUBSET_VERSION.encode()).hexdigest()[:32]
        entry = f"woff2-{key}.bin"
        cached = cache.read(entry) if cache is not None else None
        if cached is not None:
            done[source] = cached
        else:
            wanted[source] = (data, entry)
    workers = min(len(wanted), os.cpu_count() or 1)
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            made = dict(
                zip(wanted, pool.map(make_subset, [d for d, _ in wanted.values()], repeat(characters)), strict=True)
            )
    else:
        made = {source: make_subset(data, characters) for source, (data, _) in wanted.items()}
    for source, result in made.items():
        done[source] = result
        if cache is not None:
            cache.put(wanted[source][1], result)
    return done


def make_subset(data: bytes, characters: str) -> bytes:
    """One font (TrueType or OpenType bytes) as a WOFF2 subset: deterministic bytes."""
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = [*options.layout_features, *FEATURES]
    options.name_IDs = ["*"]  # keep the copyright and licence names (SIL OFL)
    options.notdef_outline = True
    options.hinting = False
    options.desubroutinize = True
    font = TTFont(io.BytesIO(data), recalcTimestamp=False, recalcBBoxes=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in characters])
    subsetter.subset(font)
    out = io.BytesIO()
    font.flavor = "woff2"
    font.save(out, reorderTables=False)
    return out.getvalue()


SVG_TEXT = {f"{{{SVG_NS}}}{name}" for name in ("text", "tspan", "textPath")}
STYLE_FONT = re.compile(r"font-(family|weight|style)\s*:\s*([^;]+)", re.IGNORECASE)
GENERIC = {"serif": "serif", "sans-serif": "sans", "monospace": "mono"}  # the fallback chain's styles
SPACES = " \u00a0"  # drawn by the text's first face, so that a label's spaces are that face's


def svg_fonts(
    svgs: dict[str, bytes], theme: Theme, cache: BuildCache | None = None, language: str = "en"
) -> dict[str, bytes]:
    """The site's SVG images (charts) with the faces their text is set in embedded.

    A browser shows an SVG image as a document of its own, which loads no font, the page's or
    any other: its labels fell back to a system face, a third family on a page the layouts set
    in two. For each text that names one of the layouts' families (``css/fonts.css``), each
    letter goes to the first of its families, in its order, whose face (its style, the nearest
    weight) has it; a letter none of them has goes to the fallback chain's face for it
    (:mod:`report_build.fonts`), under the first of those families' names. Each face is cut
    once, to the letters all the images set in it (so a report with forty charts makes a
    subset a face, not forty), and embedded in every image that uses it as a WOFF2 ``data:``
    URL in a ``<style>``, limited by ``unicode-range`` to those letters (the SVG rule allows
    ``data:`` URLs: :func:`report_build.images.check_svg`). An image that names none of the
    layouts' families is left as it is. Returns the images changed, by name."""
    own = [face for face in font_chain.layout_faces(theme) if face.path.is_file() and _in_layouts(face.path, theme)]
    letters: dict[tuple[str, str, int, font_chain.Face], set[str]] = {}  # (declared family, style, weight, face)
    uses: dict[str, tuple[Any, set[tuple[str, str, int, font_chain.Face]]]] = {}
    coverage: font_chain.Coverage | None = None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_blank_text=False)
    for name, data in svgs.items():
        root = etree.fromstring(data, parser)
        keys: set[tuple[str, str, int, font_chain.Face]] = set()
        for element in root.iter(*SVG_TEXT):
            font = _inherited(element)
            families = [family.strip().strip("'\"") for family in font.get("family", "").split(",")]
            listed = [face for face in (_face_for(family, font, own) for family in families) if face is not None]
            if not listed:
                continue
            first = listed[0]
            for char in set("".join(element.itertext())):
                key = None
                if char in SPACES:
                    key = (first.family, first.style, first.weight, first)
                elif font_chain.visible(char):
                    face = next((face for face in listed if font_chain.has(face, char)), None)
                    if face is not None:
                        key = (face.family, face.style, face.weight, face)
                    else:
                        coverage = coverage or font_chain.Coverage(theme, language)
                        style = next((GENERIC[f.lower()] for f in families if f.lower() in GENERIC), "sans")
                        fallback = coverage.fallback_face(char, style)
                        if fallback is not None:
                            key = (first.family, first.style, first.weight, fallback)
                if key is not None:
                    letters.setdefault(key, set()).add(char)
                    keys.add(key)
        if keys:
            uses[name] = (root, keys)
    rules = _svg_font_rules(letters, set(own), cache)
    changed = {}
    for name, (root, keys) in uses.items():
        style_element = etree.Element(f"{{{SVG_NS}}}style")
        style_element.text = "\n".join(rules[key] for key in sorted(keys, key=_rule_order) if key in rules)
        root.insert(0, style_element)
        changed[name] = etree.tostring(root, encoding="UTF-8", xml_declaration=True)
    return changed


def _svg_font_rules(
    letters: dict[tuple[str, str, int, font_chain.Face], set[str]],
    own: set[font_chain.Face],
    cache: BuildCache | None,
) -> dict[tuple[str, str, int, font_chain.Face], str]:
    """The ``@font-face`` rule of each (declared family, style, weight, face): the face cut to
    its letters (a fallback face once, to the letters of all its rules)."""
    fallback_letters: dict[font_chain.Face, set[str]] = {}
    for (_family, _style, _weight, face), chars in letters.items():
        if face not in own:
            fallback_letters.setdefault(face, set()).update(chars)
    made = _fallback_subsets({face: "".join(sorted(chars)) for face, chars in fallback_letters.items()}, cache)
    rules = {}
    for key, chars in letters.items():
        family, style, weight, face = key
        text = "".join(sorted(chars))
        woff2 = _subsets([face.path], text, cache)[face.path] if face in own else made.get(face)
        if woff2 is not None:
            rules[key] = (
                f'@font-face {{ font-family: "{family}"; font-style: {style}; font-weight: {weight}; '
                f'src: url(data:font/woff2;base64,{base64.b64encode(woff2).decode()}) format("woff2"); '
                f"unicode-range: {font_chain.unicode_range(text)}; }}"
            )
    return rules


def _rule_order(key: tuple[str, str, int, font_chain.Face]) -> tuple[str, str, int, str, int]:
    family, style, weight, face = key
    return family, style, weight, str(face.path), face.index


def _in_layouts(path: Path, theme: Theme) -> bool:
    return any(path.resolve().is_relative_to(folder) for folder in theme.dirs)


def _inherited(element: Any) -> dict[str, str]:
    """The font family list, weight and style a text element is set in (its attributes or
    ``style``, else its ancestors')."""
    found: dict[str, str] = {}
    for node in (element, *element.iterancestors()):
        declared = {name.lower(): value.strip() for name, value in STYLE_FONT.findall(node.get("style") or "")}
        for name in ("family", "weight", "style"):
            value = declared.get(name) or node.get(f"font-{name}")
            if value and name not in found:
                found[name] = value.strip()
    return found


def _face_for(family: str, font: dict[str, str], own: list[font_chain.Face]) -> font_chain.Face | None:
    """The layouts' face of ``family`` for a text's font: in its style, at the weight nearest its own."""
    weight = font_chain.css_weight(font.get("weight"))
    style = "italic" if font.get("style", "normal").lower().startswith(("italic", "oblique")) else "normal"
    candidates = [face for face in own if face.family.lower() == family.lower()]
    if not candidates:
        return None
    return min(candidates, key=lambda face: (face.style != style, abs(face.weight - weight)))
