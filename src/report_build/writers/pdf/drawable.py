"""SVG images WeasyPrint cannot draw, found before the layout and rendered around.

WeasyPrint draws SVG itself, and not every SVG a browser draws: a transform or a ``<use>`` it
cannot follow makes it log "Failed to render SVG image" while writing the PDF, and leave a
blank box. Each SVG of the document is therefore drawn once, on its own, before the layout
(all of them in one small document); one that fails is a fault at its line, and the PDF shows
the placeholder other images that are not included show (``span.image-omitted`` with the alt
text) in its place. The ePub and the web edition keep the image: their readers draw SVG
themselves. Page marks come from the same layout, so the ePub's page numbers still match.

Verdicts are kept by the SVG's bytes for the life of the process (a ``watch`` draws each once),
and in the build's cache (``output/.cache``) for the next build, by WeasyPrint's version too:
drawing them costs a build that draws nothing else in its own process (a parallel layout's)
a twelfth of a second.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import re
from dataclasses import replace

from ...cache import BuildCache
from ...model import Document, Image
from ...theme import Theme
from .log import captured_weasyprint_log

_VERDICTS: dict[str, bool] = {}  # SHA-256 of an SVG's bytes -> whether WeasyPrint draws it
SHEET = "@page { size: 60mm 60mm; margin: 0 } img { display: block; width: 20mm; height: 20mm }"


def stand_ins(document: Document, theme: Theme, diagnostics: object, cache: BuildCache | None = None) -> Document:
    """The document as the PDF shows it: each SVG WeasyPrint cannot draw replaced by a
    placeholder with its alt text, and reported (``diagnostics.warn``). ``cache``: where the
    verdicts of the last build are, and where this build's go."""
    svgs = {image: data for image in document.images if image.path.suffix.lower() == ".svg" for data in [_bytes(image)]}
    digests = {image: hashlib.sha256(data).hexdigest() for image, data in svgs.items() if data is not None}
    unknown = {image: svgs[image] for image, digest in digests.items() if digest not in _VERDICTS}
    if unknown:
        entry = _entry(document)
        known = _cached(cache, entry) or {}
        missing = {image: data for image, data in unknown.items() if digests[image] not in known}
        if missing:
            known = {**known, **_draw_all(missing, digests, document)}
            if cache is not None:  # this document's SVGs only: an edited one's old verdict goes
                ours = {digest: known[digest] for digest in digests.values() if digest in known}
                cache.put(entry, json.dumps(ours, sort_keys=True).encode())
        _VERDICTS.update(known)
    failing = [image for image, digest in digests.items() if not _VERDICTS.get(digest, True)]
    if not failing:
        return document
    label = str(theme.strings.get("image_omitted", "Image not included"))
    colon = str(theme.strings.get("colon", ": "))
    bodies = {chapter.index: chapter.body for chapter in document.chapters}
    for image in failing:
        diagnostics.warn(  # type: ignore[attr-defined]
            f"SVG image '{image.path.name}' cannot be drawn in the PDF (WeasyPrint cannot render it); the PDF "
            "shows a placeholder with its alt text, the ePub and the web edition the image",
            document.source,
            image.line,
        )
        pattern = re.compile(rf'<img\b[^>]*\bsrc="{re.escape(image.src)}"[^>]*/?>')
        stand_in = functools.partial(_placeholder, label=label, colon=colon, image=image)
        for index, body in bodies.items():
            bodies[index] = pattern.sub(lambda match, stand_in=stand_in: stand_in(match.group(0)), body)
    chapters = tuple(replace(chapter, body=bodies[chapter.index]) for chapter in document.chapters)
    return replace(document, chapters=chapters)


def _draw_all(images: dict[Image, bytes | None], digests: dict[Image, str], document: Document) -> dict[str, bool]:
    """Draw every SVG of ``images`` in one small PDF; by digest, which of them WeasyPrint drew."""
    from weasyprint import CSS, HTML

    from .fetcher import SandboxFetcher

    by_url = {image.path.resolve().as_uri(): digests[image] for image in images}
    replacements = {image.path.resolve(): data for image, data in images.items() if data is not None}
    page = "".join(f'<img src="{html.escape(url)}" alt="">' for url in by_url)
    with captured_weasyprint_log() as log:
        try:
            HTML(string=page, url_fetcher=SandboxFetcher([document.root], replacements)).write_pdf(
                stylesheets=[CSS(string=SHEET)]
            )
        except Exception:
            return {}
    failed = {url for url in by_url for m in log.messages if m.endswith(url) or repr(url) in m}
    return {digest: url not in failed for url, digest in by_url.items()}


def _entry(document: Document) -> str:
    """The cache entry of the verdicts on a document's SVGs (by their bytes), named by the
    document and WeasyPrint's version: one entry per document, however often its SVGs change."""
    from weasyprint import __version__ as weasyprint

    key = f"weasyprint {weasyprint}|{document.source.resolve()}"
    return f"svg-verdicts-{hashlib.sha256(key.encode()).hexdigest()[:24]}.json"


def _cached(cache: BuildCache | None, entry: str) -> dict[str, bool] | None:
    """The verdicts kept in ``entry``, or None (no cache, no entry, or not what we write)."""
    data = cache.read(entry) if cache is not None else None
    try:
        verdicts = json.loads(data) if data is not None else None
    except ValueError:
        return None
    if not isinstance(verdicts, dict) or not all(isinstance(v, bool) for v in verdicts.values()):
        return None
    return verdicts


def _bytes(image: Image) -> bytes | None:
    if image.data is not None:
        return image.data
    try:
        return image.path.read_bytes()
    except OSError:
        return None


def _placeholder(tag: str, label: str, colon: str, image: Image) -> str:
    alt = re.search(r'\balt="([^"]*)"', tag)
    text = " ".join(html.unescape(alt.group(1)).split()) if alt else ""
    if 'role="presentation"' in tag:
        return ""  # decorative: it just goes
    shown = f"{label}{colon}{text}" if text else f"{label} ({image.path.name})"
    return f'<span class="image-omitted">{html.escape(shown, quote=False)}</span>'
