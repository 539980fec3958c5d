"""R Markdown and bookdown (``.Rmd``), read as a knitted bookdown book shows them, without R.

- code chunks ```` ```{r label, fig.cap="…", echo=FALSE} ```` (any engine) are shown as code and
  never run. A chunk with ``echo=FALSE`` or ``include=FALSE`` shows nothing, as in the book. A chunk
  with ``fig.cap`` is a numbered figure, ``fig-<label>``: the image it names when it calls
  ``knitr::include_graphics("path")`` (``file.path(…, "img/x.png")`` too: the last path written is
  looked for beside the manuscript), else its code, captioned, with a warning that the figure is
  drawn by R, which a build never runs;
- theorem-like statements, ```` ```{theorem, label="x", name="…"} ```` and ``::: {.lemma #x}``
  (and Quarto's ``::: {#thm-x}``), are numbered by kind (:mod:`..theorems`);
- ``\\@ref(fig:x)``, ``\\@ref(tab:x)``, ``\\@ref(thm:x)`` (``lem``, ``cor``… for the other kinds of
  statement) and ``\\@ref(section-id)`` are cross-references that print the number alone, as
  bookdown does ("Figure \\@ref(fig:x)" reads "Figure 3"); one that names nothing prints "??",
  with a warning (:class:`RefExtension`);
- ``(\\#tab:x)`` in a table's caption and ``(\\#fig:x)`` in a figure's give the label;
  ``(ref:label) text`` defines a text reference that captions use;
- ``^[an inline note]`` is a footnote (pandoc's syntax, which R Markdown reads);
- ``# Heading {-}`` is unnumbered, as ``{.unnumbered}``;
- line blocks (``| `` lines) and example lists (``(@)``, ``(@label)``), as pandoc reads them
  (:mod:`.pandoc_markdown`);
- citations ``[@key]``, ``[see @key, p. 3]`` and ``@key`` are read by :mod:`..refsyntax` against
  the bibliography; a chapter without ``bibliography:`` uses the one its book's ``index.Rmd``
  names, else the ``.bib`` files beside it (:func:`bibliography_files`).

Quarto's own constructs (tab sets…) are read by :mod:`.quarto`. Math (``$``, ``$$``) is left to
the math reader.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import markdown
import yaml
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor

from .. import files, theorems, yamltext
from ..refsyntax import Item, Reference
from . import pandoc_markdown, quarto
from .common import FileContext, Numbered, code_lines, markdown_in_html_blocks, markup

CHUNK = re.compile(r"^(\s*)(`{3,})\s*\{([A-Za-z]\w*)([\s,].*)?\}\s*$")
TEXT_ENGINES = frozenset({"block", "block2", "asis"})
"""knitr's engines whose chunk is text: bookdown's ``block``/``block2`` (a div of its ``type``)."""
ENGINES = frozenset(
    {
        "r",
        "rscript",
        "python",
        "bash",
        "sh",
        "zsh",
        "sql",
        "rcpp",
        "cpp",
        "c",
        "fortran",
        "fortran95",
        "stan",
        "julia",
        "js",
        "css",
        "ruby",
        "perl",
        "awk",
        "gawk",
        "sed",
        "octave",
        "sas",
        "scala",
        "dot",
        "asy",
        "tikz",
        "mermaid",
        "glue",
        "block",
        "block2",
        "cat",
        "verbatim",
        "embed",
        "exec",
        "node",
        "go",
    }
)
"""knitr's code engines: ```` ```{r} ```` is a chunk, ```` ```{note} ```` is not (a MyST directive)."""
UNNUMBERED = re.compile(r"^(\s{0,3}#{1,6}\s.*?)\{\s*([^}]*?)\s*\}\s*$")
INLINE_NOTE = "^["
BLOCK_START = re.compile(r"^\s*$|^\s{0,3}([-*+]\s|\d+[.)]\s|#|>|```|~~~)")
TEXT_REFERENCE = re.compile(r"^\(ref:([\w-]+)\)\s+(\S.*)$")
LABEL_IN_CAPTION = re.compile(r"\(\\#(fig|tab|eq):([\w.-]+)\)\s*")
INCLUDE_GRAPHICS = re.compile(r"include_graphics\s*\((.*)\)", re.DOTALL)
STRING = re.compile(r"""["']([^"']+\.(?:png|jpe?g|gif|svg|webp))["']""", re.IGNORECASE)
PREFIXES = {"fig": "fig-", "tab": "tbl-", "eq": "eq-", **{p: f"{p}-" for p in theorems.PREFIXES}}
BOOKDOWN_FILES = (".rmd", ".rmarkdown")
"""The files bookdown reads as its own: its ``::: {.theorem}`` divs are statements there alone."""
MYST_OPTION = re.compile(r"^\s*:[\w-]+:(?:\s|$)")


def lines(numbered: Numbered, context: FileContext) -> Numbered:
    """The file's lines with R chunks, inline notes, ``{-}``, labels and text references read."""
    numbered = _text_references(numbered)
    numbered = _chunks(numbered, context)
    numbered = theorems.lines(numbered, code_lines, bookdown=context.path.suffix.lower() in BOOKDOWN_FILES)
    numbered = quarto.lines(numbered, context)
    numbered = pandoc_markdown.example_lists(pandoc_markdown.line_blocks(numbered), context)
    pandoc = pandoc_markdown.is_pandoc(context.manuscript, context.front) or pandoc_markdown.is_pandoc(context.path, {})
    if pandoc:
        numbered = markdown_in_html_blocks(pandoc_markdown.fancy_lists(numbered))
    code = code_lines(numbered)
    out: Numbered = []
    notes: Numbered = []
    index = 0
    while index < len(numbered):
        line, number = numbered[index]
        if index in code:
            out.append((line, number))
            index += 1
            continue
        heading = UNNUMBERED.match(line)
        if heading is not None and re.fullmatch(r"(?:[#.][\w:.-]+|-|[\w-]+=\S+|\s)*", heading.group(2)):
            rest = re.sub(r"(^|\s)-(?=\s|$)", r"\1.unnumbered", heading.group(2))
            line = f"{heading.group(1).rstrip()} {{{rest.strip()}}}"  # pandoc needs no space before '{
        if line.lstrip().startswith(("Table:", ": ")) and "(\\#" in line:
            line = _caption_label(line)
        if pandoc and "`" in line and INLINE_CHUNK.search(line):
            line = _inline_chunks(line, number, context)
        if INLINE_NOTE in line:
            index, line = _inline_notes(numbered, index, code, notes, context)
            out.append((line, number))
            continue
        out.append((line, number))
        index += 1
    if notes:
        out.append(("", notes[0][1]))
        out.extend(notes)
    return out


INLINE_CHUNK = re.compile(r"(?<!`)`(?:r|\{(?:r|python|julia|ojs)\})[ \t]+([^`]+?)`(?!`)")
"""Inline code knitr or Quarto runs, ``\u0060r nrow(x)\u0060`` or ``\u0060{python} len(x)\u0060``: its value printed."""


def _inline_chunks(line: str, number: int, context: FileContext) -> str:
    """Inline R (or Python) code shown as the code it is, without its engine's name, with a
    warning: knitr prints its value, and a build never runs it."""
    for found in INLINE_CHUNK.finditer(line):
        context.warn(
            f"inline code '{found.group(0)}' is run by knitr or Quarto, and a build never runs it: its code is "
            "shown in place of its value (write the value, or a variable: {{< var name >}})",
            number,
        )
    return INLINE_CHUNK.sub(lambda found: f"`{found.group(1).strip()}`", line)


def _text_references(numbered: Numbered) -> Numbered:
    """``(ref:label) text`` paragraphs define texts that ``(ref:label)`` elsewhere stands for."""
    texts = {}
    kept: Numbered = []
    for line, number in numbered:
        match = TEXT_REFERENCE.match(line)
        if match is not None:
            texts[match.group(1)] = match.group(2).strip()
            continue
        kept.append((line, number))
    if not texts:
        return numbered
    pattern = re.compile(r"\(ref:(" + "|".join(re.escape(k) for k in texts) + r")\)")
    return [(pattern.sub(lambda m: texts[m.group(1)], line), number) for line, number in kept]


def _caption_label(line: str) -> str:
    """``Table: (\\#tab:x) Caption`` as ``Table: Caption {#tbl-x}``."""
    found = LABEL_IN_CAPTION.search(line)
    if found is None:
        return line
    line = LABEL_IN_CAPTION.sub("", line, count=1).rstrip()
    return f"{line} {{#{PREFIXES[found.group(1)]}{found.group(2)}}}"


def _inline_notes(numbered: Numbered, index: int, code: set[int], notes: Numbered, context: FileContext):
    """Each ``^[note]`` starting on line ``index`` becomes a call ``[^label]`` and a definition in
    ``notes``; a note may run over the following lines of its paragraph. Returns the index after
    the last line read and the line as it now reads."""
    line, number = numbered[index]
    first, original = index, line
    notes_before = len(notes)
    result = ""
    position = 0
    index += 1
    while True:
        start = _next_note(line, position)
        if start < 0:
            result += line[position:]
            return index, result
        result += line[position:start]
        depth, cursor, text = 1, start + 2, ""
        while depth:
            if cursor >= len(line):  # the note goes on on the next line of the paragraph
                if index >= len(numbered) or index in code or BLOCK_START.match(numbered[index][0]):
                    context.warn("inline note ^[...] is never closed with ']'; kept as written", number)
                    del notes[notes_before:]
                    return first + 1, original
                text += " "
                line, cursor = numbered[index][0], 0
                index += 1
                continue
            char = line[cursor]
            if char == "\\" and cursor + 1 < len(line):
                text += line[cursor : cursor + 2]
                cursor += 2
                continue
            if char == "`":
                end = line.find("`", cursor + 1)
                if end > cursor:
                    text += line[cursor : end + 1]
                    cursor = end + 1
                    continue
            depth += {"[": 1, "]": -1}.get(char, 0)
            if depth:
                text += char
            cursor += 1
        context.seen["inline_notes"] = context.seen.get("inline_notes", 0) + 1
        label = f"rb-note-{context.seen['inline_notes']}"
        notes.append((f"[^{label}]: {' '.join(text.split())}", number))
        result += f"[^{label}]"
        position = cursor


def _next_note(line: str, start: int) -> int:
    """Where the next ``^[`` outside a code span begins, at or after ``start``; -1 if none."""
    ticks = line[:start].count("`") % 2
    for position in range(start, len(line) - 1):
        char = line[position]
        if char == "`":
            ticks ^= 1
        elif not ticks and line.startswith(INLINE_NOTE, position) and (position == 0 or line[position - 1] != "\\"):
            return position
    return -1


def _chunks(numbered: Numbered, context: FileContext) -> Numbered:
    out: Numbered = []
    index = 0
    while index < len(numbered):
        line, number = numbered[index]
        chunk = CHUNK.match(line)
        if chunk is None or chunk.group(3).lower() not in ENGINES.union(theorems.KINDS, TEXT_ENGINES):
            out.append((line, number))
            index += 1
            continue
        indent, fence, engine, header = chunk.group(1), chunk.group(2), chunk.group(3), chunk.group(4) or ""
        start = index
        body = []
        index += 1
        while index < len(numbered):
            stripped = numbered[index][0].strip()
            index += 1
            if stripped and set(stripped) == {"`"} and len(stripped) >= len(fence):
                break
            body.append(numbered[index - 1][0])
        label, options = chunk_options(header)
        kind = engine.lower()
        if options.get("child"):  # knitr's child documents: their text in place (unless eval=FALSE)
            if options.get("eval", "TRUE").upper() not in ("FALSE", "F"):
                out.extend(("{{< include " + child + " >}}", number) for child in _r_strings(options["child"]))
            continue
        if kind in TEXT_ENGINES:  # bookdown's block: its text is Markdown, in a div of its type
            classes = " ".join(html.escape(part) for part in options.get("type", "").split())
            opened = f'{indent}<div class="{classes}" markdown="1">' if classes else f'{indent}<div markdown="1">'
            out.extend([("", number), (opened, number), ("", number)])
            out.extend(numbered[start + 1 : start + 1 + len(body)])
            out.extend((text, numbered[index - 1][1]) for text in ("", f"{indent}</div>", ""))
            continue
        if kind in theorems.KINDS:
            if body and MYST_OPTION.match(body[0]):  # a MyST directive ({exercise} of sphinx-exercise)
                out.extend(numbered[start:index])
                continue
            ident = theorems.statement_id(kind, label)
            out.extend((text, number) for text in theorems.opening(kind, ident, options.get("name", ""), indent))
            out.extend(numbered[start + 1 : start + 1 + len(body)])  # its text is Markdown
            out.extend((text, numbered[index - 1][1]) for text in theorems.closing(indent))
            continue
        body, label = _quarto_options(body, label, options)
        out.extend((text, number) for text in _chunk(engine, label, options, body, indent, fence, number, context))
    return out


def _r_strings(value: str) -> list[str]:
    """The file names an R value gives: ``"a.Rmd"`` or ``c("a.Rmd", "b.Rmd")`` (quotes gone)."""
    inner = value.strip()
    if inner.startswith("c(") and inner.endswith(")"):
        inner = inner[2:-1]
    return [part.strip().strip("\"'") for part in inner.split(",") if part.strip().strip("\"'")]


def chunk_options(header: str) -> tuple[str, dict[str, str]]:
    """A chunk's label and options: ``zeppo, fig.cap="A \\"b\\"", echo=FALSE`` as
    ("zeppo", {"fig.cap": 'A "b"', "echo": "FALSE"}). Strings are read as R reads them."""
    parts: list[str] = []
    current, quote, depth, escaped = "", "", 0, False
    for char in header.strip().lstrip(","):
        if quote:
            current += char
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == quote:
                quote = ""
            continue
        if char in "\"'":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "," and not depth:
            parts.append(current.strip())
            current = ""
            continue
        current += char
    if current.strip():
        parts.append(current.strip())
    label, options = "", {}
    for position, part in enumerate(parts):
        key, equals, value = part.partition("=")
        if not equals:
            if position == 0:
                label = part.split()[0]
                rest = part[len(label) :].strip()
                if "=" in rest:  # `{r echo=FALSE}`: no comma after the engine
                    key, _, value = rest.partition("=")
                    options[key.strip()] = _r_value(value)
            continue
        if position == 0 and " " in key.strip():
            label, key = key.strip().split(None, 1)
        options[key.strip()] = _r_value(value)
    if options.get("label"):
        label = options["label"]
    return label, options


QUARTO_OPTION = re.compile(r"^\s*#\|(?: (.*)|$)")
QUARTO_NAMES = {"fig-cap": "fig.cap", "fig-alt": "fig.alt"}  # Quarto's names for knitr's options


def _quarto_options(body: list[str], label: str, options: dict[str, str]) -> tuple[list[str], str]:
    """Quarto writes a chunk's options as YAML in ``#|`` lines at the top of its code (a long
    caption folded over lines too): they join ``options`` (``fig-cap`` as ``fig.cap``, ``false``
    as ``FALSE``) and leave the code. The body without them, and the label (Quarto's
    ``label: fig-decay``). Lines that are not YAML are left in the code."""
    taken = 0
    while taken < len(body) and QUARTO_OPTION.match(body[taken]):
        taken += 1
    if not taken:
        return body, label
    try:
        found = yamltext.safe_load("\n".join(QUARTO_OPTION.match(line).group(1) or "" for line in body[:taken]))
    except yaml.YAMLError:
        return body, label
    if not isinstance(found, dict):
        return body, label
    for key, value in found.items():
        text = "TRUE" if value is True else "FALSE" if value is False else " ".join(str(value).split())
        options[QUARTO_NAMES.get(str(key), str(key))] = text
    return body[taken:], options.get("label", label)


def _r_value(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        inner = value[1:-1]
        return re.sub(r"\\(.)", r"\1", inner)
    return value


def _chunk(engine, label, options, body, indent, fence, number, context: FileContext) -> list[str]:
    hidden = options.get("include", "TRUE").upper() in ("FALSE", "F") or options.get("echo", "TRUE").upper() in (
        "FALSE",
        "F",
    )
    code = [f"{indent}{fence}{engine.lower()}", *body, f"{indent}{fence}"]
    caption = options.get("fig.cap", "")
    if not caption:
        return [] if hidden else ["", *code, ""]
    ident = (label if label.startswith("fig-") else f"fig-{label}") if label else ""  # Quarto's label has it
    image = _included_image("\n".join(body), context.path.parent)
    if image is not None:
        alt = options.get("fig.alt") or re.sub(r"\$|\\@ref\([^)]*\)", "", caption)
        return markup.figure(image, alt, caption, ident, indent)
    context.warn(
        f"R chunk{f' {label!r}' if label else ''} draws a figure, and a build never runs R: "
        "its code is shown in the figure's place, with its caption",
        number,
    )
    id_attribute = f' id="{ident}"' if ident else ""
    return [
        "",
        f'{indent}<figure{id_attribute} class="code-figure" markdown="1">',
        "",
        *code,
        "",
        f'{indent}<figcaption markdown="span">{" ".join(caption.split())}</figcaption>',
        f"{indent}</figure>",
        "",
    ]


def _included_image(code: str, folder: Path) -> str | None:
    """The image ``knitr::include_graphics`` names, when it is a file beside the manuscript."""
    call = INCLUDE_GRAPHICS.search(code)
    if call is None:
        return None
    for candidate in reversed(STRING.findall(call.group(1))):
        path = candidate.lstrip("./")
        if (folder / path).is_file():
            return path
    return None


# -- references ----------------------------------------------------------------------------

REF = re.compile(r"\\@ref\(([\w:.-]+)\)")


class _Ref(InlineProcessor):
    def handleMatch(self, m: re.Match[str], data: str):  # noqa: N802 (Python-Markdown's name)
        kind, colon, name = m.group(1).partition(":")
        key = f"{PREFIXES[kind]}{name}" if colon and kind in PREFIXES else m.group(1)
        return Reference((Item(key),), False, m.group(0), "number").encode(), m.start(0), m.end(0)


class RefExtension(Extension):
    """Registers ``\\@ref(…)`` before backslash escapes are read."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        md.inlinePatterns.register(_Ref(REF.pattern), "report_build_bookdown_ref", 185)


def extension(path: Path, warn: Callable[[str, str], None], lines: Sequence[str] = ()) -> list[Extension]:
    """bookdown's references, Quarto's code annotations (:mod:`.quarto`), and the numbering of
    pandoc's fancy lists (:func:`.pandoc_markdown.fancy_lists`)."""
    return [RefExtension(), quarto.AnnotationsExtension(), pandoc_markdown.FancyListsExtension()]


# -- the bibliography of a chapter -----------------------------------------------------------


def bibliography_files(path: Path) -> tuple[Path, ...]:
    """The bibliography of an R Markdown chapter that names none: the ``bibliography:`` of the
    book's ``index.Rmd`` beside it, else the ``.bib`` files beside it. Empty for other files."""
    if path.suffix.lower() != ".rmd":
        return ()
    folder = path.parent
    index = folder / "index.Rmd"
    if index.is_file() and index.resolve() != path.resolve():
        named = _front_matter_bibliography(index)
        found = tuple(folder / name for name in named if (folder / name).is_file())
        if found:
            return found
    return tuple(sorted(folder.glob("*.bib")))


def _front_matter_bibliography(path: Path) -> list[str]:
    try:
        text = files.read_utf8(path)
    except (OSError, UnicodeDecodeError):
        return []
    match = re.match(r"^---\n(.*?)\n---", text, re.DOTALL)
    if match is None:
        return []
    try:
        data: Any = yaml.safe_load(match.group(1))
    except yaml.YAMLError:
        return []
    value = data.get("bibliography") if isinstance(data, dict) else None
    if isinstance(value, str):
        return [value]
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


__all__ = ["RefExtension", "bibliography_files", "chunk_options", "extension", "lines"]
