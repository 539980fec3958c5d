"""The web writer: every file of the site, rendered in memory.

Each page's content comes from the shared templates (``chapter.html``, ``contents.html``,
``notice.html``, ``history.html``) or from ``web/*.html`` in the layouts, is made ready for a
browser by :mod:`.markup`, and is wrapped in ``web/page.html`` with its navigation and
sharing tags. Fonts are subset to the characters of the finished pages.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from ...cache import BuildCache
from ...errors import Diagnostics, RenderError
from ...model import Document
from ...numerals import list_counter_css
from ...theme import Theme, document_context
from . import assets, folder, fonts, markup, search, sharing
from .pages import CHAPTER, HISTORY, LANDING, SEARCH, WebPage, contents, linker, neighbours, page_label, site_pages

TAG = re.compile(r"<[^>]*>")
TITLE = re.compile(r"<title>(.*?)</title>", re.DOTALL)
TEMPLATES = {LANDING: "web/landing.html", CHAPTER: "chapter.html", HISTORY: "history.html", SEARCH: "web/search.html"}
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",  # assets/site.js, search.js, search-index.js: no inline script runs
        "style-src 'self'",  # assets/site.css: no <style>, no style attribute
        "img-src 'self' data:",  # the site's images; data: for the empty favicon
        "font-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",  # the search form goes to search.html
    )
)
"""What every page allows itself (sent as a meta element, so it holds from ``file://`` and on
any server): its own files and nothing else. Should a fragment with markup ever get past the
sanitiser, the browser still refuses to run it."""


@dataclass(frozen=True)
class Download:
    """A file of the same version offered on the landing page."""

    format: str  # pdf or epub
    name: str  # file name
    href: str  # relative to the site's root
    size: int
    pages: int | None = None
    sha256: str = ""


@dataclass(frozen=True)
class Edition:
    """Another language's edition of the same report, built beside this one."""

    language: str
    label: str  # the language's name in that language
    href: str  # its landing page, relative to this site's root


def render_site(
    doc: Document,
    *,
    diagnostics: Diagnostics | None = None,
    theme: Theme | None = None,
    downloads: tuple[Download, ...] = (),
    editions: tuple[Edition, ...] = (),
    cache: BuildCache | None = None,
    edition: str = "screen",
    characters: str = "",
) -> dict[str, bytes]:
    """{path relative to the site's root: bytes} for every file of the site. ``characters``:
    what the fonts must have beyond the text (the preview asks for whole alphabets, so that a
    letter typed in an edit needs no new font subset)."""
    doc = doc.for_output("web", edition)  # passages marked for another output are left out
    diagnostics = diagnostics or Diagnostics()
    theme = theme or Theme(doc.metadata.layouts, doc.metadata.language, diagnostics)
    if not doc.chapters:
        raise RenderError("web: the manuscript has no text to publish", doc.source)
    strings = theme.strings
    pages = site_pages(doc)
    images, files = assets.site_images(doc)
    # an SVG image reaches no font of the page: its faces go inside it
    files.update(
        fonts.svg_fonts({n: d for n, d in files.items() if n.endswith(".svg")}, theme, cache, doc.metadata.language)
    )
    attached = assets.site_attachments(doc, files)  # charts' data, for download
    context = document_context(doc, "web", edition, linker(doc))
    first_chapter = next(page for page in pages if page.kind == CHAPTER)
    common = {
        **context,
        "downloads": downloads,
        "editions": editions,
        "first_chapter": first_chapter,
        "first_date": doc.releases[-1].date if doc.releases else doc.metadata.date,
    }

    rendered: dict[str, str] = {}
    for page in pages:
        extra = {"chapter": page.chapter} if page.chapter is not None else {}
        body = theme.render(TEMPLATES[page.kind], **common, **extra)
        line = page.chapter.line if page.chapter is not None else None
        root = markup.parse_fragment(body, f"the {page.file} page", doc, line)
        description = _description(doc, page, root, strings)
        markup.prepare(root, page, doc, images, diagnostics, strings, attached)
        title = _title(doc, page, strings)
        previous, following = neighbours(pages, page)
        rendered[page.file] = theme.render(
            "web/page.html",
            **common,
            **extra,
            page=page,
            content=markup.serialise(root),
            page_title=title,
            description=description,
            sharing=sharing.head(doc, page.file, title, description, strings),
            json_ld=sharing.json_ld(doc) if page.kind == LANDING else "",
            content_security_policy=CONTENT_SECURITY_POLICY,
            nav=contents(doc, page, strings) if page.kind != LANDING else [],
            previous=_pager_entry(previous, doc, strings),
            following=_pager_entry(following, doc, strings),
        )

    css_source = _css_source(theme, doc.metadata.direction == "rtl")
    text = "".join(_bodies(rendered))
    has_code = any("<code" in page or "<pre" in page for page in rendered.values())
    faces, font_files = fonts.web_fonts(
        theme, css_source, text + _strings_text(strings) + characters, has_code, cache, doc.metadata.language
    )
    files.update(font_files)
    lists = list_counter_css(doc.metadata.language, doc.metadata.latin_digits)
    files["assets/site.css"] = assets.stylesheet(theme, faces, doc.metadata.direction == "rtl", lists)
    files["assets/site.js"] = assets.script(theme, "web/site.js")
    files["assets/search.js"] = assets.script(theme, "web/search.js")
    files["assets/search-index.js"] = search.index_script(doc)
    files[sharing.SOCIAL_IMAGE] = sharing.social_image(doc, theme)
    files[folder.MARKER] = folder.site_marker(
        doc.metadata.language, str(strings.get("language_name", "")), doc.metadata.title, doc.version
    )
    for name, page_html in rendered.items():
        files[name] = page_html.encode("utf-8")
    return dict(sorted(files.items()))


def _title(doc: Document, page: WebPage, strings: dict[str, Any]) -> str:
    meta = doc.metadata
    if page.kind == LANDING:
        return meta.title + (f": {meta.subtitle}" if meta.subtitle else "")
    label = page_label(page, doc, strings)
    return f"{label} – {meta.title}" if label != meta.title else meta.title


def _description(doc: Document, page: WebPage, root: Any, strings: dict[str, Any]) -> str:
    meta = doc.metadata
    if page.kind == CHAPTER:
        return markup.first_paragraph(root) or markup.shorten(meta.description, 160) or meta.title
    if page.kind == HISTORY and doc.release is not None:
        return markup.shorten(f"{strings.get('version_history', 'Version history')}: {doc.release.summary}", 160)
    if page.kind == SEARCH:
        return f"{strings.get('search_label', 'Search the report')}: {meta.title}"
    return markup.shorten(meta.description, 200) or markup.first_paragraph(root) or meta.title


def _pager_entry(page: WebPage | None, doc: Document, strings: dict[str, Any]) -> dict[str, Any] | None:
    if page is None:
        return None
    number = page.chapter.number if page.chapter is not None else None
    return {"href": page.file, "label": page_label(page, doc, strings), "number": number}


def _css_source(theme: Theme, rtl: bool) -> str:
    text = ""
    for name in ("css/web.css", "css/web-rtl.css" if rtl else "css/web.css"):
        path = theme.find(name)
        if path is not None:
            text += path.read_text(encoding="utf-8")
    return text


def _bodies(rendered: dict[str, str]) -> list[str]:
    """The text of each page's <body> and <title>: the characters the fonts must have."""
    texts = []
    for page in rendered.values():
        start = page.find("<body")
        texts.append(html.unescape(TAG.sub(" ", page[start:] if start >= 0 else page)))
        title = TITLE.search(page)
        texts.append(html.unescape(title.group(1)) if title else "")
    return texts


def _strings_text(strings: dict[str, Any]) -> str:
    words: list[str] = []
    for value in strings.values():
        words.extend(value if isinstance(value, list) else [str(value)])
    return " ".join(words)
