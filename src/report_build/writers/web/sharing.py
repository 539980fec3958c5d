"""What a page says about itself when it is shared: title, description, canonical URL, Open
Graph and Twitter card tags, schema.org JSON-LD, and the 1200 x 630 social image.

Absolute URLs exist only when the front matter gives ``base_url`` (the address the site will
be published at): without it there is no canonical link and no Open Graph tags, since those
need absolute addresses; titles, descriptions and JSON-LD are always there.
"""

from __future__ import annotations

import io
import json
from functools import lru_cache
from typing import Any

from PIL import Image as PILImage

from ...model import Document
from ...theme import Theme
from ..drawn_text import Lettering, Setter, lettering, sizes
from ..epub.cover import COVER_ACCENT

SOCIAL_SIZE = (1200, 630)
SOCIAL_IMAGE = "social.png"


def absolute(base_url: str, file: str) -> str:
    """``file`` (relative to the site's root) under ``base_url``; the landing page is the folder."""
    base = base_url.rstrip("/") + "/"
    return base if file == "index.html" else base + file


def head(doc: Document, file: str, title: str, description: str, strings: dict[str, Any]) -> dict[str, Any]:
    """The sharing facts of one page, for ``web/page.html``."""
    meta = doc.metadata
    base = meta.base_url
    facts: dict[str, Any] = {"canonical": "", "properties": [], "names": []}
    if base:
        url = absolute(base, file)
        facts["canonical"] = url
        image = absolute(base, SOCIAL_IMAGE)
        alt = meta.title + (f": {meta.subtitle}" if meta.subtitle else "")
        facts["properties"] = [
            ("og:type", "article" if file != "index.html" else "website"),
            ("og:title", title),
            ("og:description", description),
            ("og:url", url),
            ("og:site_name", meta.title),
            ("og:locale", meta.language.replace("-", "_")),
            ("og:image", image),
            ("og:image:width", str(SOCIAL_SIZE[0])),
            ("og:image:height", str(SOCIAL_SIZE[1])),
            ("og:image:alt", alt),
        ]
        if doc.date is not None:
            facts["properties"].append(("article:modified_time", doc.date.isoformat()))
        facts["names"] = [
            ("twitter:card", "summary_large_image"),
            ("twitter:title", title),
            ("twitter:description", description),
            ("twitter:image", image),
            ("twitter:image:alt", alt),
        ]
    return facts


def json_ld(doc: Document) -> str:
    """schema.org ``Report``: first published with the oldest release, modified with this one."""
    meta = doc.metadata
    data: dict[str, Any] = {"@context": "https://schema.org", "@type": "Report", "name": meta.title}
    if meta.subtitle:
        data["alternativeHeadline"] = meta.subtitle
    if meta.description:
        data["description"] = meta.description
    if meta.authors:
        data["author"] = [{"@type": "Person", "name": name} for name in meta.authors]
    if meta.publisher:
        data["publisher"] = {"@type": "Organization", "name": meta.publisher}
    first = doc.releases[-1].date if doc.releases else meta.date
    if first is not None:
        data["datePublished"] = first.isoformat()
    if doc.date is not None:
        data["dateModified"] = doc.date.isoformat()
    if doc.version:
        data["version"] = doc.version
    data["inLanguage"] = meta.language
    if meta.identifier:
        data["identifier"] = meta.identifier
    if meta.keywords:
        data["keywords"] = ", ".join(meta.keywords)
    if meta.rights:
        data["copyrightNotice"] = meta.rights
    if meta.base_url:
        data["url"] = absolute(meta.base_url, "index.html")
        data["image"] = absolute(meta.base_url, SOCIAL_IMAGE)
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False)
    # Never closes (or comments out) the <script> that holds it: <, > and & as JSON escapes.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def social_image(doc: Document, theme: Theme) -> bytes:
    """The cover's design at 1200 x 630: publisher, title, subtitle, version and date, set as
    the ePub's cover sets them (:mod:`..drawn_text`: every script in a face that has it)."""
    meta = doc.metadata
    foot = ""
    if doc.version:
        foot = f"{theme.strings.get('version', 'Version')} {doc.version}"
        foot += f" · {theme.longdate(doc.date)}" if doc.date else ""
    elif doc.date:
        foot = theme.longdate(doc.date)
    if doc.draft:
        foot = f"{theme.strings.get('draft', 'DRAFT')} · {foot}"
    rtl = meta.direction == "rtl"
    publisher = meta.publisher if rtl else meta.publisher.upper()
    faces = lettering(theme, meta.language, rtl, (meta.title, meta.subtitle, publisher, foot), "social image")
    return _draw(meta.title, meta.subtitle, publisher, foot, faces)


@lru_cache(maxsize=4)
def _draw(title: str, subtitle: str, publisher: str, foot: str, faces: Lettering) -> bytes:
    """Publisher at the top, version and date under a rule at the foot, and between them the
    title and subtitle, as large as fits: long titles wrap (at most three lines) and shrink,
    never overlap the rule.
    Deterministic: the same words and faces give the same bytes."""
    width, height = SOCIAL_SIZE
    margin = 72
    image = PILImage.new("RGB", SOCIAL_SIZE, COVER_ACCENT)
    setter = Setter(image, faces, margin, width - margin)
    if publisher:
        setter.draw_block(setter.fit(publisher, False, (28,), 1), margin, 1)
    rule_y = height - margin - 44
    setter.draw.line([(margin, rule_y), (width - margin, rule_y)], fill="white", width=2)
    if foot:
        setter.draw_block(setter.fit(foot, False, (26,), 1), rule_y + 16, 1)
    top, bottom = margin + 60, rule_y - 40
    size = 96
    while True:  # smaller until the title's lines and the subtitle's fit above the rule
        title_block = setter.fit(title, True, sizes(size, 44, 4), 3)
        sub = setter.fit(subtitle, False, sizes(40, 26, 4), 2) if subtitle else None
        block = len(title_block.lines) * title_block.size * 1.1 + (
            sub.size * 0.5 + len(sub.lines) * sub.size * 1.25 if sub else 0
        )
        if block <= bottom - top or title_block.size <= 44:
            break
        size = title_block.size - 4
    y = setter.draw_block(title_block, top + max(0, (bottom - top - block) / 2), 1.1)
    if sub is not None:
        setter.draw_block(sub, y + sub.size * 0.5, 1.25)
    out = io.BytesIO()
    # zlib's level 6, as the ePub cover: 16 ms against 59 ms at level 9, for a file 5 % larger
    image.save(out, format="PNG", optimize=False, compress_level=6)
    return out.getvalue()
