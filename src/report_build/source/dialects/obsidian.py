"""Obsidian notes (and the wikis that write links the same way: Foam, Logseq, Dendron), read as
Obsidian's reading view shows them.

- ``[[Note]]``, ``[[Note|shown text]]``, ``[[Note#Heading]]``, ``[[#Heading]]``, ``[[Note#^block]]``
  (``\\|`` for the bar inside a table): a link. A note of this report (the manuscript or one of
  its chapter files, by name, as Obsidian finds notes) is a link to the heading named, or to the
  note's first heading; a heading of the same note, a link to it. The link takes the id the
  build gives that heading across the report (``methods-1`` when an earlier file has a
  "Methods" too: :meth:`_Vault.report_headings`). A note outside the report, or a
  heading the note does not have, is its text, with a warning: the report cannot lead there. The
  text shown is Obsidian's: the alias, else "Note > Heading", "Heading" or the note's name;
- ``![[picture.png]]``, ``![[picture.png|300]]`` (a width), ``![[picture.png|300x200]]``,
  ``![[picture.png|A description]]``, and Markdown's ``![A description|300](picture.png)``: an
  image, found as Obsidian finds attachments (beside the note, else by its name anywhere in the
  manuscript's folder, the vault);
- ``![[Note]]`` on a line of its own: the note's text in its place, in a passage titled by its
  name, its headings bold lines (they are not the report's); a section of a note
  (``![[Note#Heading]]``), a note that is not found or a file of another kind (a PDF, a
  recording) is a link, or its name, with a warning;
- ``%%a comment%%``, on a line or over several: nothing (Obsidian never shows it). An opening
  ``%%`` never closed is shown as written, with a warning, rather than hide the rest of the note;
- a block id, `` ^id`` at the end of a paragraph's last line (or on a line of its own after a list,
  a quote or a table): an anchor for ``[[#^id]]``, never shown. Obsidian takes any run of Latin
  letters, digits and dashes; so that ``x ^n`` or ``r ^2`` (an exponent) stays text, an id is
  read when it has three characters or more and a letter (``^pump-part``, Obsidian's own
  ``^f63f5a``), or when a link of the report names it (``[[#^n]]``: :meth:`_Vault.block_id`);
- a ``dataview`` (``dataviewjs``) code block: shown as its code, with a warning: only
  Obsidian's plugins run such queries.

Callouts (``> [!note] Title``, ``> [!warning]-``) are GitHub's alerts, read with GitHub's syntax
(pymdown-extensions' ``quotes``); ``==highlight==`` is MkDocs' mark; a ``#tag`` stays as written,
as Obsidian shows it.

Invariant: nothing in fenced or inline code, or in a formula, is read (``$i \\in [[1, n]]$`` is a
range of integers, as the math reader finds formulas: :func:`.common.formula_spans`); every line
keeps its number (a line only a comment held is removed).
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from pathlib import Path, PurePosixPath

from ...errors import ManuscriptError
from .. import frontmatter
from ..ids import FALLBACK, RESERVED, Slugger, github_slug
from ..text import CODE_SPAN, outside_spans, read_text
from .common import (
    LIST_ITEM_START,
    Fence,
    FileContext,
    Numbered,
    code_lines,
    fence_step,
    formula_spans,
    literal_code_lines,
    markup,
)

WIKILINK = re.compile(r"(!?)\[\[([^\[\]\n]+?)\]\]")
"""``[[target]]`` or ``![[target]]``: the target, its heading or block after ``#``, its alias or
size after ``|``."""
WHOLE_LINE_EMBED = re.compile(r"^(\s*)!\[\[([^\[\]\n]+?)\]\]\s*$")
ALT_SIZE = re.compile(r"!\[([^\]\n]*?)\|(\d+)(?:x(\d+))?\]\(([^()\s]+)\)")
"""Markdown's image with Obsidian's size after a bar in its alt text: ``![Map|300](map.png)``."""
SIZE = re.compile(r"^(\d+)(?:x(\d+))?$")
BLOCK_ID = re.compile(r"(?<=\s)\^([A-Za-z0-9][A-Za-z0-9-]*)\s*$")
"""A block id: Latin letters, digits and dashes (what Obsidian accepts) after a space at the end
of a paragraph's last line; read when :meth:`_Vault.block_id` says it is one."""
BLOCK_LINK = re.compile(r"#\^([A-Za-z0-9][A-Za-z0-9-]*)(?=\s*(?:\]|\\?\||\)))")
"""A link's block id: ``[[#^id]]``, ``[[Note#^id|text]]``, ``[text](Note.md#^id)``."""
BLOCK_ID_LINE = re.compile(r"^\s*\^([A-Za-z0-9][A-Za-z0-9-]*)\s*$")
TABLE_ROW = re.compile(r"^\s*\|")
ATX = re.compile(r"^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
EXPLICIT_ID = re.compile(r"\s*\{[^{}]*#([^\s{}]+)[^{}]*\}\s*$")
QUERY_FENCE = re.compile(r"^\s*(?:`{3,}|~{3,})\s*(dataviewjs|dataview)\s*$")
IMAGES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp", ".avif"}
NOTES = {".md", ".markdown"}
CONTENTS_MARKERS = {"_toc_", "toc"}  # GitLab's [[_TOC_]] and VuePress's [[toc]]: their dialects' own
SKIPPED_FOLDERS = {"node_modules", "output", "__pycache__"}


TRIGGER = re.compile(r"\[\[|%%|!\[[^\]\n]*\|\d|(?:^|\s)\^[A-Za-z0-9-]+\s*$|^\s*(?:```|~~~)\s*dataview")
"""What a line must hold for this dialect to read it: most lines hold none, and are passed on as they are."""


def _triggers(line: str) -> bool:
    """Whether a line holds something of this dialect's (:data:`TRIGGER`), tested first by its
    characters: the regular expression is run on few lines."""
    return (
        "[[" in line or "%%" in line or "^" in line or "dataview" in line or ("![" in line and "|" in line)
    ) and TRIGGER.search(line) is not None


BLOCK_ID_ANYWHERE = re.compile(r"\^[A-Za-z0-9-]+[ \t]*$", re.MULTILINE)


def _in_text(text: str) -> bool:
    """Whether a file's text holds anything of this dialect's: most hold nothing, and are passed on
    after a few searches of the whole text."""
    return (
        "[[" in text
        or "%%" in text
        or ("dataview" in text and TRIGGER.search(text) is not None)
        or ("![" in text and "|" in text and ALT_SIZE.search(text) is not None)
        or ("^" in text and BLOCK_ID_ANYWHERE.search(text) is not None)
    )


def lines(numbered: Numbered, context: FileContext) -> Numbered:
    """The file's lines with Obsidian's links, embeds, comments and block ids read."""
    if not _in_text("\n".join(line for line, _number in numbered)):
        return numbered
    numbered = _without_comments(numbered, context)
    vault = _Vault(context, numbered)
    formulas = formula_spans(numbered)  # TeX is never read: $i \in [[1, n]]$ is a range of integers
    out: Numbered = []
    inside: Fence | None = None
    literal = literal_code_lines(numbered)  # indented code, code in a quote: no fence there
    for index, (line, number) in enumerate(numbered):
        was = inside
        code, inside = (True, inside) if index in literal and inside is None else fence_step(line, inside)
        if code:
            query = QUERY_FENCE.match(line) if was is None and index not in literal else None
            if query is not None:
                context.warn(
                    f"Obsidian {query.group(1)} query shown as its code: only Obsidian's plugins run it; "
                    "paste the table it gives into the note to show its result",
                    number,
                )
            out.append((line, number))
            continue
        if not _triggers(line):
            out.append((line, number))
            continue
        tex = formulas.get(index, [])
        embed = WHOLE_LINE_EMBED.match(line) if not tex else None
        if embed is not None and _note_embed(embed.group(1), embed.group(2), number, vault, out):
            continue
        alone = BLOCK_ID_LINE.match(line) if not tex else None
        if alone is not None and vault.block_id(alone.group(1)):
            _anchor_after(out, alone.group(1))
            out.append(("", number))
            continue
        ending = BLOCK_ID.search(line)
        if ending is not None and any(start < ending.end() and ending.start() < end for start, end in tex):
            ending = None  # x ^n in a formula: TeX's
        if "[[" in line or "|" in line:
            line = outside_spans(line, tex, lambda text, n=number: _inline(text, n, vault))
        if ending is not None and not TABLE_ROW.match(line) and vault.block_id(ending.group(1)):
            ending = BLOCK_ID.search(line)  # the same id, where the line's links left it
            line = line[: ending.start()].rstrip() + f" []{{#{ending.group(1)}}}"
        out.append((line, number))
    return out


def _anchor_after(out: Numbered, ident: str) -> None:
    """A block id on a line of its own: its anchor at the end of the block above (the last item
    of a list, a quote's last line); a table has no place for one, and leaves it out."""
    for position in range(len(out) - 1, -1, -1):
        text, number = out[position]
        if text.strip():
            if not TABLE_ROW.match(text):
                out[position] = (f"{text.rstrip()} []{{#{ident}}}", number)
            return


# -- comments --------------------------------------------------------------------------------


def _without_comments(numbered: Numbered, context: FileContext) -> Numbered:
    """The lines without ``%%comments%%``. A comment within a line opens at a ``%%`` after no
    letter and closes at the next ``%%`` before none (``for %%i in`` is no comment); one over
    several lines opens with a line that starts with ``%%`` and closes at a ``%%`` that ends a
    line. A line a comment took whole is removed."""
    if not any("%%" in line for line, _number in numbered):
        return numbered
    code = code_lines(numbered)
    out: Numbered = []
    opened: tuple[int, int] | None = None  # where a comment over several lines opened: (position in out, line)
    for index, (line, number) in enumerate(numbered):
        if index in code and opened is None:
            out.append((line, number))
            continue
        if opened is not None:
            closing = CLOSING_LINE.search(line) if index not in code else None
            if closing is None:
                continue  # inside the comment
            line, opened = line[closing.end() :], None
            if not line.strip():
                continue
        if "%%" not in line:
            out.append((line, number))
            continue
        text, opens = _inline_comments(line)
        if opens:  # a '%%' that starts the line's rest and is not closed on it: a comment over lines
            opened = (len(out), number)
            out.append((line, number))  # kept as written, should the comment never close
            continue
        if text.strip():
            out.append((re.sub(r"(?<=\S)[ \t]{2,}(?=\S)", " ", text.rstrip()), number))
        elif not line.strip():
            out.append((line, number))
        # else a line only a comment held: gone, as in Obsidian's reading view
    if opened is not None:
        position, line = opened
        context.warn(
            "Obsidian comment '%%' is never closed: shown as written, where Obsidian would hide the rest of the note",
            line,
        )
        written = out[position][0]
        at = written.index("%%")  # escaped: MyST would take a line starting with '%' for a comment of its own
        out[position] = (f"{written[:at]}\\{written[at:]}", line)
        return out[: position + 1] + [(text, n) for text, n in numbered if n > line]
    return out


CLOSING_LINE = re.compile(r"%%\s*$")
OPENER = re.compile(r"(?<![%\w])%%(?!%)")
CLOSER = re.compile(r"(?<!%)%%(?![%\w])")


def _inline_comments(line: str) -> tuple[str, bool]:
    """``line`` without its comments (outside code spans), and whether it opens a comment over
    several lines: it starts with a ``%%`` that it does not close."""
    spans = [span.span() for span in CODE_SPAN.finditer(line)]

    def in_code(at: int) -> bool:
        return any(start <= at < end for start, end in spans)

    kept, at = [], 0
    while True:
        opener = next((m for m in OPENER.finditer(line, at) if not in_code(m.start())), None)
        if opener is None:
            break
        closer = next((m for m in CLOSER.finditer(line, opener.end()) if not in_code(m.start())), None)
        if closer is None:
            if not line[: opener.start()].strip() and not kept:
                return line, True
            break
        kept.append(line[at : opener.start()])
        at = closer.end()
    kept.append(line[at:])
    return "".join(kept), False


# -- links and embeds ------------------------------------------------------------------------


class _Vault:
    """The notes and attachments a file's links and embeds may name: the report's own files, and
    (for embeds, and to tell a note outside the report from a missing one) every file under the
    manuscript's folder, as Obsidian's vault."""

    def __init__(self, context: FileContext, numbered: Numbered):
        self.context = context
        self.numbered = numbered
        self.folder = context.manuscript.parent.resolve()
        self._files: list[Path] | None = None

    def warn(self, message: str, line: int) -> None:
        self.context.warn(message, line)

    @property
    def files(self) -> list[Path]:
        if self._files is None:
            cache = self.context.seen.setdefault("obsidian-vault", {})
            if self.folder not in cache:
                found = []
                for folder, names, files in os.walk(self.folder):  # never into .obsidian, .git, node_modules
                    names[:] = sorted(n for n in names if not n.startswith(".") and n not in SKIPPED_FOLDERS)
                    found += [Path(folder) / f for f in files if Path(f).suffix.lower() in IMAGES | NOTES]
                cache[self.folder] = sorted(found)
            self._files = cache[self.folder]
        return self._files

    def block_id(self, ident: str) -> bool:
        """Whether `` ^ident`` ending a paragraph is a block id (:data:`BLOCK_ID`): one of three
        characters or more with a letter (``^pump-part``, Obsidian's own ``^f63f5a``), or any
        that a link of the report names (``[[#^n]]``). A shorter one nothing links to is text:
        ``x ^n``, ``r ^2``, ``A ^T`` are exponents someone wrote, and a block id is written to
        be linked to."""
        if len(ident) >= 3 and any(char.isalpha() for char in ident):
            return True
        return ident in self.linked_blocks()

    def linked_blocks(self) -> set[str]:
        """The block ids the links of the report's files (and of this one) name."""
        cache = self.context.seen.setdefault("obsidian-block-links", {})
        found: set[str] = set()
        for path in sorted(self.context.report_files - {self.context.path.resolve()}):
            if path not in cache:
                try:
                    cache[path] = set(BLOCK_LINK.findall(read_text(path)))
                except ManuscriptError:
                    cache[path] = set()  # the chapter's own reading says what is wrong with it
            found |= cache[path]
        return found | set(BLOCK_LINK.findall("\n".join(line for line, _number in self.numbered)))

    def find(self, name: str, kinds: set[str]) -> Path | None:
        """The file ``name`` names: a path from the note's folder or the vault's, else the first
        file of that name (or that name and a note's suffix) anywhere in the vault; never one that
        resolves outside the vault (a link to a file elsewhere), as every path a build reads."""
        name = name.strip()
        if not name or ".." in PurePosixPath(name).parts:
            return None
        names = [name] if PurePosixPath(name).suffix.lower() in kinds else [f"{name}{suffix}" for suffix in kinds]
        for candidate in names:
            for base in (self.context.path.parent, self.folder):
                path = (base / candidate).resolve()
                if path.is_file() and path.is_relative_to(self.folder):
                    return path
        wanted = {PurePosixPath(candidate).name.lower() for candidate in names}
        found = (path.resolve() for path in self.files if path.name.lower() in wanted)
        return next((path for path in found if path.is_relative_to(self.folder)), None)  # no link out

    def note(self, name: str) -> Path | None:
        """The report's own file ``name`` names (the current one when ``name`` is empty)."""
        if not name.strip():
            return self.context.path.resolve()
        stem = PurePosixPath(name.strip()).stem.lower() if name.lower().endswith(".md") else name.strip().lower()
        here = self.context.path.resolve()
        for path in (here, *sorted(self.context.report_files)):
            if path.stem.lower() == stem or path.stem.lower() == PurePosixPath(stem).name:
                return path
        return None

    def headings(self, path: Path) -> list[tuple[str, str]]:
        """Each heading of the file ``path`` (the report's, or the note embedding this one): (its
        text, its id). A report file's ids are the build's (:meth:`report_headings`)."""
        if path in self.context.report_order:
            return self.report_headings().get(path, [])
        cache = self.context.seen.setdefault("obsidian-headings", {})
        if path not in cache:
            if path == self.context.path.resolve():
                text = [line for line, _number in self.numbered]
            else:
                try:
                    text = read_text(path).split("\n")  # once per build: the reading of the chapter takes these bytes
                except ManuscriptError:
                    text = []  # the chapter's own reading says what is wrong with it
            found = []
            code = code_lines([(line, 0) for line in text])
            for index, line in enumerate(text):
                heading = ATX.match(line) if index not in code else None
                if heading is not None:
                    title = heading.group(1)
                    explicit = EXPLICIT_ID.search(title)
                    shown = title[: explicit.start()] if explicit else title
                    found.append((shown.strip(), explicit.group(1) if explicit else github_slug(_plain(shown))))
            cache[path] = found
        return cache[path]

    def report_headings(self) -> dict[Path, list[tuple[str, str]]]:
        """The headings of the report's files, each file's (its text, its id), with the ids the
        build gives them: it reads the files as one text, in order (an include in its place),
        and a heading whose id an earlier one has, in any file, gets ``-1``, ``-2`` … (the
        Slugger :class:`..ids.HeadingIds` uses, which never takes an id written with ``{#id}``
        nor one the layouts use). So ``[[Two#Methods]]`` lands on Two's "Methods", which is
        ``methods-1`` when the manuscript has one too. Read once per build."""
        cache = self.context.seen.setdefault("obsidian-report-headings", {})
        if self.context.report_order not in cache:
            found: list[tuple[Path, str, str]] = []  # (file, text, id written with it or "")
            written: set[str] = set()  # every id written with {#id} (an attribute list) in the text
            for path in self.context.report_order:
                self._read_headings(path, found, written, (path,))
            slug = Slugger(written | RESERVED)
            ids: dict[Path, list[tuple[str, str]]] = {}
            for path, text, own in found:
                ids.setdefault(path, []).append((text, own or slug(github_slug(_plain(text)) or FALLBACK)))
            cache[self.context.report_order] = ids
        return cache[self.context.report_order]

    def _read_headings(self, path: Path, found: list, written: set[str], stack: tuple[Path, ...]) -> None:
        """The headings of one file's text, ATX and setext, outside code and comments, and those
        of the files it includes, in order; the ids written in it."""
        try:
            _front, body, _offset = frontmatter.split(read_text(path), path)
        except ManuscriptError:
            return  # the file's own reading says what is wrong with it
        numbered = [(line, number) for number, line in enumerate(body.split("\n"), 1)]
        numbered = _without_comments(numbered, replace(self.context, path=path, warn=lambda message, line: None))
        code = code_lines(numbered)
        paragraph: list[str] | None = []  # the lines of a paragraph a setext underline may make a heading
        for index, (line, _number) in enumerate(numbered):
            if index in code or not line.strip():
                paragraph = []
                continue
            included = INCLUDE.match(line)
            if included is not None:
                target = (path.parent / included.group(1).strip().strip("\"'")).resolve()
                inside = target.is_file() and target.is_relative_to(self.folder)
                if inside and target not in stack and len(stack) <= EMBED_DEPTH:
                    self._read_headings(target, found, written, (*stack, target))
                paragraph = []
                continue
            written.update(m.group(1) for m in ATTRIBUTE_ID.finditer(CODE_SPAN.sub("", line)))
            heading = ATX.match(line)
            underline = SETEXT.match(line) if heading is None and paragraph else None
            if heading is not None or underline is not None:
                title = heading.group(1) if heading is not None else " ".join(paragraph or [])
                own = EXPLICIT_ID.search(title)
                found.append((path, (title[: own.start()] if own else title).strip(), own.group(1) if own else ""))
                paragraph = []
            elif paragraph is None or BLOCK_START.match(line) or (not paragraph and INDENTED_CODE.match(line)):
                paragraph = None  # a list, a quote, a table, raw HTML, code: no setext heading until a blank line
            else:
                paragraph.append(line.strip())


INCLUDE = re.compile(r"^\s*\{\{<\s*include\s+(.+?)\s*>\}\}\s*$")
"""An include, as the manuscript's composition reads it: the file's text in its place."""
SETEXT = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")
BLOCK_START = re.compile(r"^[ \t]*(?:>|\||<|`{3,}|~{3,}|(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$))")
INDENTED_CODE = re.compile(r"^(?: {4}|\t)")
ATTRIBUTE_ID = re.compile(r"\{[^{}\n]*?(?<![\w-])#([^\s{}#]+)[^{}\n]*\}")
"""An id written in an attribute list: ``{#id}``, ``{: #id .class}``, ``[]{#id}``."""


def _plain(text: str) -> str:
    """A heading's text as its id is made from it: without Markdown's marks."""
    return re.sub(r"[*_`]|\[([^\]]*)\]\([^)]*\)", lambda m: m.group(1) or "", text).strip()


def _parts(target: str) -> tuple[str, str, str]:
    """A wikilink's note, its heading or block (after the last ``#``), its alias or size."""
    target = target.replace("\\|", "|")
    target, _bar, alias = target.partition("|")
    note, _hash, rest = target.partition("#")
    anchor = rest.split("#")[-1] if rest else ""
    return note.strip(), anchor.strip(), alias.strip()


def _inline(text: str, number: int, vault: _Vault) -> str:
    """A line's text (no code in it) with its wikilinks, embeds and sized images read."""
    if "|" in text and "![" in text:
        text = ALT_SIZE.sub(_sized_image, text)
    if "[[" not in text:
        return text
    return WIKILINK.sub(lambda m: _wikilink(m, number, vault), text)


def _sized_image(match: re.Match[str]) -> str:
    alt, width, height, src = match.groups()
    sizes = f'width="{width}"' + (f' height="{height}"' if height else "")
    return f"![{alt}]({src}){{{sizes}}}"


def _wikilink(match: re.Match[str], number: int, vault: _Vault) -> str:
    embed, target = match.group(1) == "!", match.group(2)
    if target.strip().lower() in CONTENTS_MARKERS:
        return match.group()  # GitLab's and VuePress's contents marker, read by their dialects
    note, anchor, alias = _parts(target)
    if not note and not anchor.lstrip("^"):
        return match.group()  # "[[ ]]", "[[#]]": no link, as Obsidian shows it
    if embed:
        return _embed_inline(note, anchor, alias, match.group(), number, vault)
    return _link(note, anchor, alias, match.group(), number, vault)


def _shown(note: str, anchor: str, alias: str) -> str:
    """The text Obsidian shows for a link: its alias, else "Note > Heading", the heading, or the note."""
    if alias:
        return alias
    anchor = anchor.removeprefix("^")
    if note and anchor:
        return f"{PurePosixPath(note).stem} > {anchor}"
    return anchor or PurePosixPath(note).stem


def _escaped(text: str) -> str:
    """Link text that stays text: brackets that would open a link of their own escaped."""
    return text.replace("[", "\\[").replace("]", "\\]")


def _link(note: str, anchor: str, alias: str, written: str, number: int, vault: _Vault) -> str:
    shown = _escaped(_shown(note, anchor, alias))
    path = vault.note(note)
    if path is None:
        where = "a file of its vault" if vault.find(note, NOTES) is not None else "nowhere in its folder"
        vault.warn(
            f"Obsidian link '{written}' leads to a note that is not part of the report ({where}); "
            f"its text '{_shown(note, anchor, alias)}' is shown",
            number,
        )
        return shown
    if anchor.startswith("^"):
        return f"[{shown}](#{anchor[1:]})"
    headings = vault.headings(path)
    if not anchor:
        if path == vault.context.path.resolve() or not headings:
            return shown  # the note itself, or a note without a heading: no place to lead to
        return f"[{shown}](#{headings[0][1]})"
    wanted = github_slug(_plain(anchor))
    ident = next((ident for text, ident in headings if github_slug(_plain(text)) == wanted), None)
    if ident is None:
        vault.warn(f"Obsidian link '{written}': the note has no heading '{anchor}'; its text is shown", number)
        return shown
    return f"[{shown}](#{ident})"


def _size(alias: str) -> tuple[str, str]:
    """An embed's alias as (alt text, attribute list): ``300`` and ``300x200`` are sizes."""
    size = SIZE.match(alias)
    if size is None:
        return alias, ""
    width, height = size.groups()
    return "", "{" + f'width="{width}"' + (f' height="{height}"' if height else "") + "}"


def _embed_inline(note: str, anchor: str, alias: str, written: str, number: int, vault: _Vault) -> str:
    """An embed inside a line: an image, else a link (or the name) with a warning."""
    suffix = PurePosixPath(note).suffix.lower()
    if suffix in IMAGES:
        found = vault.find(note, IMAGES)
        source = found.relative_to(vault.folder).as_posix() if found is not None else note
        alt, attributes = _size(alias)
        source = f"<{source}>" if " " in source else source
        return f"![{_escaped(alt)}]({source}){attributes}"
    if suffix and suffix not in NOTES:
        vault.warn(
            f"Obsidian embed '{written}' cannot be shown in a report (only pictures and notes can); "
            f"its name is shown instead",
            number,
        )
        return _escaped(alias or PurePosixPath(note).name)
    if vault.note(note) is None and anchor and vault.find(note, NOTES):
        vault.warn(
            f"Obsidian embed '{written}': its name '{_shown(note, anchor, alias)}' is shown; only an embed "
            "on a line of its own that names a heading or block the note has is taken in",
            number,
        )
        return _escaped(_shown(note, anchor, alias))
    if vault.note(note) is None:
        vault.warn(
            f"Obsidian embed '{written}' names a note that is not part of the report "
            f"({'a file of its vault' if vault.find(note, NOTES) else 'nowhere in its folder'}): "
            f"its name '{_shown(note, anchor, alias)}' is shown",
            number,
        )
        return _escaped(_shown(note, anchor, alias))
    why = "the report holds that note, where the link leads"
    if not anchor:
        why = "only an embed on a line of its own is taken in"
    vault.warn(f"Obsidian embed '{written}' shown as a link: {why}", number)
    return _link(note, anchor, alias, written, number, vault)


EMBED_DEPTH = 8  # as includes: an embed in an embedded note, to this depth


def _note_embed(indent: str, target: str, number: int, vault: _Vault, out: Numbered) -> bool:
    """``![[Note]]`` alone on its line: the note's text in its place, as Obsidian shows it, in a
    passage titled by the note's first heading (else by its name). Its other headings are set as
    bold lines: they are the embedded note's, not the report's (Obsidian's outline leaves them out
    too). ``![[Note#Heading]]``: that section only, titled by its heading (up to the next heading
    of its level or above); ``![[Note#^id]]``: the paragraph or list item marked ``^id``, titled by
    the note's name. False for anything else (a picture, a section or block the note does not
    have or of a note the report holds, a note found nowhere), which the line's inline reading
    takes."""
    note, anchor, _alias = _parts(target)
    if PurePosixPath(note).suffix.lower() not in NOTES | {""} or not note:
        return False
    if anchor and vault.note(note) is not None:  # a section of the report's own text: linked to
        return False
    found = vault.find(note, NOTES)
    embedding = vault.context.seen.setdefault("obsidian-embedding", [])
    if found is None or found == vault.context.path.resolve() or found in embedding:
        return False
    if len(embedding) >= EMBED_DEPTH:
        return False
    try:
        text = read_text(found)
        _front, body, _offset = frontmatter.split(text, found)
    except ManuscriptError:
        return False
    vault.context.inputs.append(found)  # read: what is shown depends on it, even its name alone
    body_lines = body.split("\n")
    if anchor:
        part = _section(body_lines, anchor) if not anchor.startswith("^") else _block(body_lines, anchor[1:])
        if part is None:
            return False
        title, body_lines = part if part[0] else (PurePosixPath(note).stem, part[1])
    else:
        first = next((index for index, line in enumerate(body_lines) if line.strip()), None)
        opening = ATX.match(body_lines[first]) if first is not None else None
        title = opening.group(1) if opening is not None else PurePosixPath(note).stem
        if opening is not None:  # the note's own title heading is the passage's title
            body_lines[first] = ""
    embedded = [(line, number) for line in body_lines]
    for index, _level, text, taken in _headings(body_lines):  # the note's headings, bold lines
        embedded[index : index + taken] = [(f"**{text}**", number), *[("", number)] * (taken - 1)]
    embedding.append(found)
    try:
        embedded = lines(embedded, replace(vault.context, path=found))
    finally:
        embedding.pop()
    out.extend((text, number) for text in markup.passage(title, indent, "embed"))
    out.extend((f"{indent}{text}" if text.strip() else text, line_number) for text, line_number in embedded)
    out.extend((text, number) for text in markup.close(indent))
    return True


def _headings(body: list[str]) -> list[tuple[int, int, str, int]]:
    """The headings of a note's lines, outside code: (first line, level, text, lines it takes),
    ATX (``## Teams``) and setext (``Teams`` over ``---`` or ``===``)."""
    code = code_lines([(line, 0) for line in body])
    found = []
    for index, line in enumerate(body):
        if index in code:
            continue
        if (match := ATX.match(line)) is not None:
            found.append((index, _level(line), match.group(1), 1))
        elif (
            index + 1 < len(body)
            and index + 1 not in code
            and (underline := SETEXT.match(body[index + 1])) is not None
            and line.strip()
            and not line.startswith(("    ", "\t"))
            and not LIST_ITEM_START.match(line)
            and (index == 0 or not body[index - 1].strip())
        ):
            found.append((index, 1 if underline.group(1) == "=" else 2, line.strip(), 2))
    return found


SETEXT = re.compile(r"^ {0,3}(=|-)\1*[ \t]*$")


def _section(body: list[str], heading: str) -> tuple[str, list[str]] | None:
    """The heading ``heading`` names (as links name one: by its slug, so case, spaces and
    emphasis aside) and the lines under it, up to the next heading of its level or above; None if
    there is none."""
    wanted = github_slug(_plain(heading))
    found = _headings(body)
    for position, (index, level, text, taken) in enumerate(found):
        if github_slug(_plain(text)) != wanted:
            continue
        end = next((later for later, other, _text, _taken in found[position + 1 :] if other <= level), len(body))
        return text, body[index + taken : end]
    return None


def _level(heading: str) -> int:
    return len(heading.lstrip(" ")) - len(heading.lstrip(" ").lstrip("#"))


def _block(body: list[str], ident: str) -> tuple[str, list[str]] | None:
    """The paragraph or list item whose last line ends with ``^ident`` (outside code), without
    the mark, from the blank line, heading or item before it (no title: the note's name is the
    passage's); None if no line is so marked."""
    mark = re.compile(rf"\s\^{re.escape(ident)}\s*$")
    code = code_lines([(line, 0) for line in body])
    starts = {index + taken for index, _level, _text, taken in _headings(body)}
    for index, line in enumerate(body):
        if index not in code and mark.search(line):
            start = index
            while (
                start > 0 and start not in starts and body[start - 1].strip() and not LIST_ITEM_START.match(body[start])
            ):
                start -= 1
            return "", [*body[start:index], mark.sub("", line)]
    return None


__all__ = ["lines"]
