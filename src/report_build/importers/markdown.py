"""HTML as mammoth writes it (from a Word file) turned into the Markdown report-build reads.

mammoth gives clean, semantic HTML: headings, paragraphs, lists, tables, ``strong``/``em``,
links, images, footnote and endnote calls with their notes in ordered lists at the end. This
module writes that as Markdown: ``#`` headings, ``**bold**``, ``*italic*``, ``[links](...)``,
``- `` and ``1. `` lists nested by four spaces, pipe tables (merged cells or cells holding
several paragraphs stay HTML tables, which the build reads), ``![alt](src "Caption")`` figures,
``Table: Caption`` above tables, ``[^n]`` footnotes with their text at the end, callouts as
``!!! note``, quotations as ``>`` and code as fenced blocks.

Invariant: text is escaped so that it reads back as the same text (no accidental emphasis,
links, headings or list markers), and every note call has its definition.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

import lxml.html

NOTE_LINK = re.compile(r"^#(footnote|endnote)-(\d+)$")
CAPTION_LABEL = re.compile(r"^\s*\w+\.?\s+\d+(?:\.\d+)*\s*[.:\u2013\u2014-]\s*")
SPECIAL = re.compile(r"([\\`*_\[\]])")
BLOCK_START = re.compile(r"^(#{1,6}|[>+-]|=+|!!!|:::|\?\?\?)(?=\s|$)|^(\d+)([.)])(?=\s|$)")
INLINE = {"strong": "**", "b": "**", "em": "*", "i": "*", "s": "~~", "del": "~~"}
HTML_INLINE = {"sup", "sub", "u", "mark"}
BLOCKS = {"h1", "h2", "h3", "h4", "h5", "h6", "p", "ul", "ol", "table", "blockquote", "pre", "div", "hr", "li", "dl"}


@dataclass
class Converted:
    markdown: str
    title: str = ""
    subtitle: str = ""
    warnings: list[str] = field(default_factory=list)
    headings: int = 0


@dataclass
class _Notes:
    labels: dict[str, str] = field(default_factory=dict)  # "footnote-3" -> "3", "endnote-1" -> "e1"
    texts: dict[str, str] = field(default_factory=dict)


def convert(source: str) -> Converted:
    """Markdown for mammoth's HTML; a ``p.doc-title`` gives the title, ``p.doc-subtitle`` the subtitle."""
    root = lxml.html.fragment_fromstring(source or "<p></p>", create_parent="div")
    out = Converted("")
    notes = _Notes()
    for note_list in root.xpath("./ol[li[starts-with(@id, 'footnote-') or starts-with(@id, 'endnote-')]]"):
        for item in note_list.findall("li"):
            kind, _, number = item.get("id", "").partition("-")
            label = number if kind == "footnote" else f"e{number}"
            notes.labels[item.get("id", "")] = label
            for back in item.xpath(".//a[starts-with(@href, '#footnote-ref-') or starts-with(@href, '#endnote-ref-')]"):
                _drop(back)
            notes.texts[label] = _Writer(notes).blocks(item).strip()
        note_list.getparent().remove(note_list)
    for element in root.xpath(".//p[contains(@class, 'doc-title')]"):
        out.title = out.title or _plain(element)
        element.getparent().remove(element)
    for element in root.xpath(".//p[contains(@class, 'doc-subtitle')]"):
        out.subtitle = out.subtitle or _plain(element)
        element.getparent().remove(element)
    _promote_headings(root)
    writer = _Writer(notes)
    body = writer.blocks(root)
    out.warnings.extend(writer.warnings)
    out.headings = writer.headings
    definitions = []
    for label, text in notes.texts.items():
        if label in writer.called:
            first, *rest = text.split("\n\n")
            more = "".join("\n\n" + _indent(part, 4) for part in rest)
            definitions.append(f"[^{label}]: {first}{more}")
    out.markdown = _tidy(body + ("\n\n" + "\n\n".join(definitions) if definitions else ""))
    return out


class _Writer:
    def __init__(self, notes: _Notes):
        self.notes = notes
        self.called: set[str] = set()
        self.warnings: list[str] = []
        self.headings = 0

    # -- blocks -------------------------------------------------------------------------------

    def blocks(self, parent) -> str:
        """The block content of ``parent``; text and inline elements between blocks make a paragraph."""
        parts: list[str] = []
        children = [c for c in parent if isinstance(c.tag, str)]
        pending = [self.inline_text(parent.text or "")]

        def flush() -> None:
            text = _escape_start("".join(pending).strip())
            if text:
                parts.append(text)
            pending.clear()

        index = 0
        while index < len(children):
            child = children[index]
            following = children[index + 1] if index + 1 < len(children) else None
            consumed = 1
            tag = child.tag
            if tag not in BLOCKS:
                pending.append(self.inline_element(child))
                pending.append(self.inline_text(child.tail or ""))
                index += 1
                continue
            flush()
            if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                text = self.inline(child).strip()
                if text:
                    self.headings += 1
                    parts.append("#" * int(tag[1]) + " " + text)
            elif (
                tag == "p"
                and "caption" in (child.get("class") or "")
                and following is not None
                and following.tag == "table"
            ):
                parts.append("Table: " + _caption(self.inline(child)))  # a caption above its table
            elif tag == "p" and _lone_image(child) is not None:
                caption = ""
                after = children[index + 2] if index + 2 < len(children) else None
                if _is_caption(following) and (after is None or after.tag != "table"):  # not the next table's
                    caption = _caption(self.inline(following))
                    consumed = 2
                parts.append(self.figure(_lone_image(child), caption))
            elif tag == "p":
                text = _escape_start(self.inline(child).strip())
                if text:
                    parts.append(text)
            elif tag in ("ul", "ol"):
                parts.append(self.list(child, 0))
            elif tag == "table":
                caption = ""
                after = children[index + 2] if index + 2 < len(children) else None
                if _is_caption(following) and (after is None or (after.tag != "table" and _lone_image(after) is None)):
                    caption, consumed = _caption(self.inline(following)), 2  # a caption below its table
                parts.append(("Table: " + caption + "\n\n" if caption else "") + self.table(child))
            elif tag == "blockquote":
                inner = self.blocks(child).strip()
                parts.append("\n".join("> " + line if line else ">" for line in inner.split("\n")))
            elif tag == "pre":
                code = child.text_content().rstrip("\n")
                fence = "~~~~" if "```" in code else "```"
                parts.append(f"{fence}\n{code}\n{fence}")
            elif tag == "div" and "callout" in (child.get("class") or ""):
                parts.append(self.callout(child))
            elif tag == "hr":
                parts.append("---")
            else:
                inner = self.blocks(child).strip()
                if inner:
                    parts.append(inner)
            pending.append(self.inline_text(child.tail or ""))
            index += consumed
        flush()
        return "\n\n".join(part for part in parts if part)

    def callout(self, div) -> str:
        title_el = div.find("p[@class='callout-title']")
        title = _plain(title_el) if title_el is not None else ""
        if title_el is not None:
            div.remove(title_el)
        inner = self.blocks(div).strip()
        head = f'!!! note "{title}"' if title else '!!! note ""'
        return head + "\n" + _indent(inner, 4)

    def figure(self, img, caption: str) -> str:
        src, alt = img.get("src", ""), " ".join((img.get("alt") or "").split())
        title = f' "{caption.replace(chr(34), chr(39))}"' if caption else ""
        if not alt:
            self.warnings.append(
                f"image {src} has no alt text in Word; it is marked decorative: describe it, or keep it so"
            )
            return f"![]({src}{title}){{.decorative}}"
        return f"![{_escape(alt)}]({src}{title})"

    def list(self, el, depth: int) -> str:
        lines: list[str] = []
        ordered = el.tag == "ol"
        number = int(el.get("start", "1")) if (el.get("start") or "1").isdigit() else 1
        for item in el.findall("li"):
            marker = f"{number}. " if ordered else "- "
            number += 1
            nested = [child for child in item if child.tag in ("ul", "ol")]
            for child in nested:
                item.remove(child)
            text = self.blocks(item).strip() or self.inline(item).strip()
            body = _indent(text, 4).lstrip() if text else ""
            lines.append(marker + body)
            for child in nested:
                lines.append(_indent(self.list(child, depth + 1), 4))
        return "\n".join(lines)

    def table(self, el) -> str:
        rows = el.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")
        merged = bool(el.xpath(".//td[@colspan or @rowspan]|.//th[@colspan or @rowspan]"))
        complex_cells = any(
            len(cell.findall("p")) > 1 or cell.xpath(".//ul|.//ol|.//table") for cell in el.iter("td", "th")
        )
        widths = {len(row.xpath("./td|./th")) for row in rows}
        if merged or complex_cells or len(widths) > 1 or not rows:
            return self.html_table(el)
        cells = [[self.cell(cell) for cell in row.xpath("./td|./th")] for row in rows]
        head, *body = cells
        lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
        lines.extend("| " + " | ".join(row) + " |" for row in body)
        return "\n".join(lines)

    def cell(self, cell) -> str:
        text = self.inline(cell).strip()
        if cell.tag == "th" and text.startswith("**") and text.endswith("**") and text.count("**") == 2:
            text = text[2:-2]  # a header row is bold anyway
        return text.replace("\n", " ").replace("|", "\\|") or " "

    def html_table(self, el) -> str:
        """A table Markdown cannot hold (merged cells, several paragraphs in a cell), as HTML."""

        def clean(node, depth: int = 0) -> str:
            tag = node.tag
            if tag in ("table", "thead", "tbody", "tfoot", "tr"):
                inner = "".join(clean(child, depth + 1) for child in node if isinstance(child.tag, str))
                return f"<{tag}>{inner}</{tag}>\n"
            if tag in ("td", "th"):
                attrs = "".join(
                    f' {name}="{int(node.get(name))}"'
                    for name in ("colspan", "rowspan")
                    if (node.get(name) or "").isdigit()
                )
                paragraphs = [p for p in node if isinstance(p.tag, str)]
                if all(p.tag == "p" for p in paragraphs) and paragraphs:
                    body = "<br/>".join(self.inline_html(p) for p in paragraphs)
                else:
                    body = self.inline_html(node)
                return f"<{tag}{attrs}>{body}</{tag}>"
            return ""

        return clean(el).strip()

    # -- inline -----------------------------------------------------------------------------

    def inline(self, el) -> str:
        out = [self.inline_text(el.text or "")]
        for child in el:
            if isinstance(child.tag, str):
                out.append(self.inline_element(child))
            out.append(self.inline_text(child.tail or ""))
        return "".join(out)

    def inline_text(self, text: str) -> str:
        return _escape(re.sub(r"[ \t\r\n]+", " ", text))

    def inline_element(self, el) -> str:
        tag = el.tag
        note = self._note_call(el)
        if note is not None:
            return note
        if tag == "br":
            return "\\\n"
        if tag == "img":
            alt = " ".join((el.get("alt") or "").split())
            return f"![{_escape(alt)}]({el.get('src', '')})"
        inner = self.inline(el)
        if tag == "a":
            href = el.get("href") or ""
            if not href or href.startswith("#"):  # bookmarks and links inside the document: their text
                return inner
            return f"[{inner}]({href.replace(' ', '%20').replace(')', '%29')})" if inner.strip() else ""
        if tag in INLINE:
            mark = INLINE[tag]
            stripped = inner.strip()
            if not stripped:
                return inner
            lead, trail = inner[: len(inner) - len(inner.lstrip())], inner[len(inner.rstrip()) :]
            return f"{lead}{mark}{stripped}{mark}{trail}"
        if tag in HTML_INLINE:
            return f"<{tag}>{inner}</{tag}>"
        if tag == "code":
            code = el.text_content()
            tick = "``" if "`" in code else "`"
            return f"{tick}{code}{tick}"
        return inner

    def inline_html(self, el) -> str:
        """A cell's content for an HTML table: inline Markdown does not work there, so HTML."""
        out = [html.escape(el.text or "", quote=False)]
        for child in el:
            if not isinstance(child.tag, str):
                continue
            note = self._note_call(child)
            if note is not None:
                out.append(note)
            elif child.tag in ("strong", "b", "em", "i", "sup", "sub", "s", "u", "code"):
                out.append(f"<{child.tag}>{self.inline_html(child)}</{child.tag}>")
            elif child.tag == "a" and (child.get("href") or "").startswith(("http", "mailto")):
                out.append(f'<a href="{html.escape(child.get("href") or "")}">{self.inline_html(child)}</a>')
            elif child.tag == "br":
                out.append("<br/>")
            else:
                out.append(self.inline_html(child))
            out.append(html.escape(child.tail or "", quote=False))
        return "".join(out).strip()

    def _note_call(self, el) -> str | None:
        """``<sup><a href="#footnote-3">[3]</a></sup>`` (mammoth's call) as ``[^3]``."""
        link = el if el.tag == "a" else (el.find("a") if el.tag == "sup" and len(el) == 1 else None)
        if link is None:
            return None
        match = NOTE_LINK.match(link.get("href") or "")
        if match is None:
            return None
        label = self.notes.labels.get(f"{match.group(1)}-{match.group(2)}")
        if label is None:
            return None
        self.called.add(label)
        return f"[^{label}]"


def _promote_headings(root) -> None:
    """A draft whose top headings are Heading 2 (under a Title) has its chapters there: the top
    level used becomes ``#``."""
    headings = [el for el in root.iter("h1", "h2", "h3", "h4", "h5", "h6")]
    if not headings:
        return
    shift = min(int(el.tag[1]) for el in headings) - 1
    for el in headings:
        el.tag = f"h{int(el.tag[1]) - shift}"


def _is_caption(el) -> bool:
    return el is not None and el.tag == "p" and "caption" in (el.get("class") or "").split()


def _lone_image(p):
    """The one image a paragraph holds and nothing else (bookmark anchors aside)."""
    images = p.findall(".//img")
    if len(images) != 1 or (p.text or "").strip():
        return None
    for node in p.iter():
        if node is not p and node.tag not in ("img", "a") and (node.text or "").strip():
            return None
        if node is not p and (node.tail or "").strip():
            return None
    return images[0]


def _caption(text: str) -> str:
    """A caption without Word's "Figure 3:" label (the build numbers figures and tables itself)."""
    plain = text.replace("**", "")
    return CAPTION_LABEL.sub("", plain, count=1).strip()


def _plain(el) -> str:
    return " ".join(el.text_content().split())


def _drop(el) -> None:
    parent = el.getparent()
    if el.tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _escape(text: str) -> str:
    """Characters that would start emphasis, code, links or raw HTML, written so they read as text."""
    text = SPECIAL.sub(r"\\\1", text)
    return text.replace("<", "&lt;").replace("~~", "\\~\\~")


def _escape_start(text: str) -> str:
    """A paragraph that begins like a heading, list item, quote or callout, kept a paragraph."""
    match = BLOCK_START.match(text)
    if match is None:
        return text
    if match.group(2):  # "1." -> "1\."
        return match.group(2) + "\\" + text[len(match.group(2)) :]
    return "\\" + text


def _indent(text: str, spaces: int) -> str:
    pad = " " * spaces
    return "\n".join(pad + line if line.strip() else "" for line in text.split("\n"))


def _tidy(text: str) -> str:
    """No trailing spaces, at most one blank line between blocks, one newline at the end."""
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"
