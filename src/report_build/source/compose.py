"""Composing the manuscript's text before Markdown: chapters, includes, variables, conditions.

What the author writes in several files becomes one text, line by line, and a :class:`LineMap`
remembers where each line came from, so that every message still names ``file:line`` of the
file the text was written in.

- ``chapters: [a.md, b.md]`` in the front matter: the main file's own body, then each chapter
  file's body, in order (a chapter file's own front matter is ignored, with a warning);
- ``{{< include path.md >}}`` alone on its line pulls in another file, relative to the file it
  is written in; cycles and more than :data:`MAX_INCLUDE_DEPTH` levels are refused;
- ``{{< var key.sub >}}`` is replaced by a value from ``variables.yaml`` beside the manuscript;
  ``{{</* var x */>}}`` writes the shortcode itself. A value may come from a cell of a data file
  (``displaced: {data: data/displacement.csv, row: {month: "2020-02"}, column: displaced}``),
  a number written as the document's language writes it (:mod:`.datafiles`, Babel) unless a
  ``format`` is given (a CLDR pattern such as ``"#,##0.0"``; ``compact`` for "3.5 million";
  ``as written``); the same cell
  then gives the text, the tables and the charts drawn from that file;
- pandoc fenced divs ``::: {.class #id}`` ... ``:::``: ``content-visible`` / ``content-hidden``
  with ``when-``/``unless-`` ``format``, ``edition`` and ``profile`` keep or drop their lines
  (the fences themselves go, so a heading inside stays a chapter heading), as Quarto does;
  other divs become ``<div>`` or callouts (:mod:`.divs` decides; this module reads the lines);
- with a note style (``csl:`` of class "note"), citations become footnotes (:mod:`.citations`).

Invariants: fenced code is never touched; every composed line has an origin; all files read
are inside the manuscript's folder and are listed in :attr:`Composed.inputs`.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import Diagnostics, ManuscriptError, ResourceError
from ..sandbox import check_inside, resolve_reference
from . import citations, datafiles, dialects, divs, file_links, frontmatter, snippets, yamltext
from .dialects import FileContext
from .dialects.common import code_lines, in_list_item, indent_of
from .divs import Selection
from .jekyll import raw_lines
from .text import FENCE, outside_code_spans, read_text, shown_name

MAX_INCLUDE_DEPTH = 8
VARIABLES_FILE = "variables.yaml"

INCLUDE = re.compile(
    r"^\s*(?:\{\{(?:<\s*include\s+(?:file\s*=\s*)?(.+?)\s*>|%\s*include\s+(?:file\s*=\s*)?(.+?)\s*%)\}\}"
    r"|\{%-?\s*include_relative\s+(\S+?)\s*-?%\})\s*$"
)
"""``{{< include x.md >}}`` alone on its line; Hugo's ``{{% include "x.md" %}}`` and ``file="x.md"``
too; Jekyll's ``{% include_relative x.md %}``."""
SHORTCODE = re.compile(r"\{\{<\s*(\w+)\s*(.*?)\s*>\}\}")
ESCAPED = re.compile(r"\{\{(?:</\*\s*(.*?)\s*\*/>|%/\*\s*(.*?)\s*\*/%)\}\}")
"""Hugo's escaped shortcode, ``{{</* name */>}}`` or ``{{%/* name */%}}``: the shortcode as written."""
NOTE_DEFINITION = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:")
NOTE_CALL = re.compile(r"\[\^([^\]\s]+)\]")


class LineMap:
    """Line ``n`` of the composed text -> (file, line) it was written at."""

    def __init__(self, origins: list[tuple[Path, int]]):
        self.origins = origins

    def locate(self, line: int | None) -> tuple[Path | None, int | None]:
        if line is None or not 1 <= line <= len(self.origins):
            return None, line
        return self.origins[line - 1]


@dataclass
class Composed:
    text: str  # the main file's front matter lines, then the composed body
    lines: LineMap
    inputs: tuple[Path, ...]  # every file read besides the manuscript itself
    conditional: bool  # a passage depends on the format or the edition
    chapter_files: tuple[Path, ...] = ()
    files: tuple[file_links.ReportFile, ...] = ()  # the report's files, where links to them land


@dataclass
class _State:
    root: Path
    selection: Selection
    diagnostics: Diagnostics
    variables: dict[str, Any] | None = None
    variables_path: Path | None = None
    variables_text: str = ""
    language: str = "en"
    data: dict[Path, datafiles.Data] = field(default_factory=dict)  # data files read for variables
    inputs: list[Path] = field(default_factory=list)
    conditional: bool = False
    profile_named: bool = False  # a condition names the profile being built
    hidden_any: bool = False
    dialects: tuple[str, ...] = dialects.NAMES  # the other tools' syntax read (source/dialects/)
    report_files: frozenset[Path] = frozenset()
    report_order: tuple[Path, ...] = ()  # the same, in the order their text is joined
    counted: dict[str, Any] = field(default_factory=dict)  # what the dialects count across files
    front: dict[str, Any] = field(default_factory=dict)  # the main file's front matter (MDX's frontMatter)

    def context(self, path: Path, main: Path) -> FileContext:
        def warn(message: str, line: int | None) -> None:
            self.diagnostics.warn(message, path, line)

        return FileContext(
            path, main, self.report_files, warn, self.counted, self.front, self.inputs, self.report_order
        )


def compose(
    path: Path,
    text: str,
    body_offset: int,
    raw: dict[str, Any],
    key_lines: dict[str, int],
    selection: Selection,
    diagnostics: Diagnostics,
) -> Composed:
    """The whole manuscript as one text, with where each line came from."""
    root = path.parent.resolve()
    chapters = chapter_paths(raw, key_lines, path)
    state = _State(root, selection, diagnostics, dialects=dialects.enabled(raw.get("dialects")), front=raw)
    state.report_files = frozenset({path.resolve(), *chapters})
    state.report_order = tuple(dict.fromkeys((path.resolve(), *chapters)))
    language = raw.get("language", raw.get("lang"))
    state.language = language.strip() if isinstance(language, str) and language.strip() else "en"
    if selection.translation is not None and selection.translation.translating:
        state.language = selection.translation.language  # numbers from data cells as the edition writes them
    lines = text.split("\n")
    out: list[tuple[str, Path, int]] = [(line, path, number) for number, line in enumerate(lines[:body_offset], 1)]
    body: list[tuple[str, Path, int]] = []
    _expand(path, lines[body_offset:], body_offset + 1, state, (path.resolve(),), body)
    for chapter in chapters:
        state.inputs.append(chapter)
        chapter_text = read_text(chapter, diagnostics)
        front, _rest, offset = frontmatter.split(chapter_text, chapter)
        if front is not None:
            diagnostics.warn("a chapter file's front matter is ignored (only the main manuscript's counts)", chapter, 1)
        body.append(("", path, key_lines.get("chapters", 1)))
        _expand(chapter, chapter_text.split("\n")[offset:], offset + 1, state, (path.resolve(), chapter), body)
    named = raw.get("profiles")
    if selection.profile is not None and not state.profile_named and selection.profile not in (named or {}):
        raise ManuscriptError(
            f"profile '{selection.profile}' changes nothing: no passage names it; mark what it leaves out with "
            f'::: {{.content-hidden when-profile="{selection.profile}"}} and what only it shows with '
            f'::: {{.content-visible when-profile="{selection.profile}"}}',
            path,
            1,
        )
    if state.hidden_any:
        body = _keep_called_notes(body)
    if _note_style(raw, path):
        body = citations.as_notes(body)
    body = _drop_repeated_notes(body, path, diagnostics)
    out.extend(body)
    out, files = file_links.mark(out, state.report_order, body_offset, root)
    if state.variables_path is not None:
        state.inputs.append(state.variables_path)
    state.inputs.extend(state.data)  # data files that variables take cells from
    return Composed(
        text="\n".join(line for line, _, _ in out),
        lines=LineMap([(where, number) for _, where, number in out]),
        inputs=tuple(dict.fromkeys(state.inputs)),
        conditional=state.conditional,
        chapter_files=tuple(chapters),
        files=files,
    )


def _drop_repeated_notes(
    body: list[tuple[str, Path, int]], main: Path, diagnostics: Diagnostics
) -> list[tuple[str, Path, int]]:
    """Footnote labels are shared by every file of a manuscript: a label defined again is a
    fault at the later definition, naming the first by its file and line; the first definition
    is kept (as GitHub does) and the later one, with its indented lines, left out (blank lines
    in their place, so that every line keeps its origin and the text around stays apart)."""
    seen: dict[str, tuple[Path, int]] = {}
    fence: str | None = None
    kept: list[tuple[str, Path, int]] = []
    dropping = False
    for entry in body:
        line, where, number = entry
        if dropping and (line.startswith(("    ", "\t")) or not line.strip()):
            kept.append(("", where, number))  # the repeated note's own lines (blank: paragraphs stay apart)
            continue
        dropping = False
        found = FENCE.match(line)
        if fence is not None or found:
            if fence is None:
                fence = found.group(1)[0]
            elif found and found.group(1)[0] == fence:
                fence = None
            kept.append(entry)
            continue
        match = NOTE_DEFINITION.match(line)
        if match is not None and match.group(1) in seen:
            label = match.group(1)
            first, first_line = seen[label]
            at = f"line {first_line}" if first == where else f"{shown_name(first, main.parent)}:{first_line}"
            diagnostics.warn(
                f"footnote [^{label}] is defined twice (first at {at}); the first is kept and this one left "
                "out (labels are shared by all the files of a manuscript)",
                where,
                number,
            )
            dropping = True
            kept.append(("", where, number))
            continue
        if match is not None:
            seen[match.group(1)] = (where, number)
        kept.append(entry)
    return kept


def _note_style(raw: dict[str, Any], path: Path) -> bool:
    """Whether the citations become footnotes: a bibliography, and a CSL style of class "note"."""
    style = raw.get("csl")
    if not isinstance(raw.get("bibliography"), str) or not isinstance(style, str):
        return False
    target = path.parent / style.strip()
    return target.is_file() and citations.style_class(target) == "note"


def chapter_paths(raw: dict[str, Any], key_lines: dict[str, int], path: Path) -> list[Path]:
    """The files the front matter's ``chapters`` names, checked: text paths inside the folder, existing."""
    value = raw.get("chapters")
    if value is None:
        return []
    line = key_lines.get("chapters")
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ManuscriptError("front matter 'chapters' must be a list of file names, such as [context.md]", path, line)
    found = []
    for item in value:
        found.append(_inside(path.parent, item.strip(), path, line, "chapter", path.parent.resolve()))
    if len(set(found)) != len(found):
        raise ManuscriptError("front matter 'chapters' names the same file twice", path, line)
    if path.resolve() in found:
        raise ManuscriptError("front matter 'chapters' names the manuscript itself", path, line)
    return found


def _inside(folder: Path, name: str, path: Path, line: int | None, what: str, root: Path) -> Path:
    if not name or re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", name) or name.startswith(("/", "\\")):
        raise ManuscriptError(f"{what} '{name}' must be a path relative to the file that names it", path, line)
    target = folder / name
    try:
        check_inside(target, (root,), name)
    except ResourceError as exc:
        raise ManuscriptError(f"{what}: {exc.message}", path, line) from None
    if not target.is_file():
        raise ManuscriptError(f"{what} '{name}' not found (looked for {target.resolve()})", path, line)
    return target.resolve()


def _expand(
    path: Path,
    lines: list[str],
    first: int,
    state: _State,
    stack: tuple[Path, ...],
    out: list[tuple[str, Path, int]],
) -> None:
    """Append ``lines`` (``first`` is the file line of lines[0]) to ``out``, composed, after the
    line passes of the other tools' syntax (:mod:`.dialects`)."""
    open_divs: list[tuple[int, bool, str]] = []  # (line, replaced by a closing tag, the indent of its list item)
    skip_until: int | None = None  # depth of the hidden div being skipped
    numbered = [(line, first + index) for index, line in enumerate(lines)]
    main = stack[0] if stack else path
    numbered = dialects.line_passes(state.dialects, numbered, state.context(path, main))
    code = code_lines(numbered)  # fenced (in a list item too), indented and quoted: never read here
    # Between Liquid's {% raw %} and {% endraw %}, a Jekyll include is text to show (jekyll.py)
    raw = raw_lines([line for line, _number in numbered]) if "include_relative" in "\n".join(lines) else set()
    titles: set[int] = set()  # positions of headings that became a callout's title
    snippets_on = "mkdocs" in state.dialects
    listing = False  # between two '--8<--' lines: the names of snippets
    for position, (line, number) in enumerate(numbered):
        if position in titles:
            continue
        if position in code:  # MkDocs reads its snippets in code too; Hugo's escaped shortcodes are written
            snippet = snippets.SNIPPET.match(line) if snippets_on and "--8<--" in line else None
            line = ESCAPED.sub(_unescaped, line) if "/*" in line else line
            if skip_until is None and snippet is not None and not snippet.group("escaped"):
                _snippet(snippet.group("name"), path, number, state, stack, out, code=snippet.group("indent"))
            elif skip_until is None:
                out.append((line.replace(";--8<--", "--8<--", 1) if snippet is not None else line, path, number))
            continue
        if snippets_on and skip_until is None and (listing or "--8<--" in line):
            block, snippet = snippets.BLOCK.match(line), snippets.SNIPPET.match(line)
            opens = (
                block is not None and not block.group("escaped") and (listing or snippets.closed(numbered, position))
            )
            if opens:
                listing = not listing
                continue
            if listing:
                if line.strip() and not line.lstrip().startswith(";"):
                    _snippet(line.strip().strip("\"'"), path, number, state, stack, out)
                continue
            if snippet is not None and not snippet.group("escaped"):
                _snippet(snippet.group("name"), path, number, state, stack, out, indent=snippet.group("indent"))
                continue
            if snippet is not None or block is not None:
                line = line.replace(";--8<--", "--8<--", 1)  # escaped: shown as written
        # A div in a list item (indented under it, by four spaces or more too) stays in the item.
        indent = indent_of(line) if line[:1] in (" ", "\t") and in_list_item(numbered, position) else ""
        seen = line[len(indent) :] if ":::" in line else line
        opening = divs.DIV_OPEN.match(seen)
        closing = divs.DIV_CLOSE.match(seen) if opening is None else None
        if opening is not None:
            classes, ident, attributes = divs.attributes(opening.group(2) or "." + opening.group(3), path, number)
            if skip_until is not None:
                open_divs.append((number, False, indent))
                continue
            visible, names_profile, conditional = divs.visible(classes, attributes, state.selection, path, number)
            state.conditional = state.conditional or conditional
            state.profile_named = state.profile_named or names_profile
            if visible is None:  # not a condition: an ordinary div
                open_divs.append((number, True, indent))
                heading = divs.callout_heading(classes, attributes, numbered, position + 1)
                if heading is not None:  # Quarto: a callout's first heading is its title (its id the callout's)
                    title, heading_id = divs.heading_attributes(heading[1])
                    attributes, ident = {**attributes, "title": title}, ident or heading_id
                    titles.add(heading[0])
                out.extend((text, path, number) for text in divs.div_open(classes, ident, attributes, indent))
                continue
            open_divs.append((number, False, indent))
            if not visible:
                skip_until = len(open_divs)
                state.hidden_any = True
            continue
        if closing is not None and open_divs:
            _line, tagged, opened_indent = open_divs.pop()
            if skip_until is not None:
                if len(open_divs) < skip_until:
                    skip_until = None
                continue
            if tagged:
                out.extend((text, path, number) for text in ("", f"{opened_indent}</div>", ""))
            continue
        if skip_until is not None:
            continue
        include = INCLUDE.match(line) if position not in raw else None
        if include is not None and include.group(3) and not _found_inside(path.parent / include.group(3), state):
            # Jekyll's, from a site's other files: a draft builds without it (report-build's own is a fault)
            state.diagnostics.warn(
                f"Jekyll include_relative '{include.group(3)}' left out: no such file in the manuscript's folder",
                path,
                number,
            )
            continue
        if include is not None:
            _include(include.group(1) or include.group(2) or include.group(3), path, number, state, stack, out)
            continue
        out.append((_shortcodes(line, path, number, state), path, number))
    if open_divs:
        raise ManuscriptError(
            "fenced div opened with ':::' is never closed (add a ':::' line after it)", path, open_divs[-1][0]
        )


def _found_inside(target: Path, state: _State) -> bool:
    """Whether ``target`` is a file inside the folder a report's files may come from."""
    resolved = target.resolve()
    return resolved.is_file() and resolved.is_relative_to(state.root.resolve())


def _include(name: str, path: Path, line: int, state: _State, stack: tuple[Path, ...], out: list) -> None:
    name = name.strip().strip("\"'")
    target = _inside(path.parent, name, path, line, "include", state.root)
    if target in stack:
        chain = " -> ".join(p.name for p in (*stack[stack.index(target) :], target))
        raise ManuscriptError(f"include cycle: {chain}", path, line)
    if len(stack) > MAX_INCLUDE_DEPTH:
        raise ManuscriptError(f"includes nested more than {MAX_INCLUDE_DEPTH} levels deep; refused", path, line)
    state.inputs.append(target)
    text = read_text(target, state.diagnostics)
    _front, _rest, offset = frontmatter.split(text, target)
    _expand(target, text.split("\n")[offset:], offset + 1, state, (*stack, target), out)


def _snippet(
    written: str,
    path: Path,
    line: int,
    state: _State,
    stack: tuple[Path, ...],
    out: list,
    code: str | None = None,
    indent: str = "",
) -> None:
    """A snippet (:mod:`.snippets`) put in place: read as the manuscript's text, each line with
    the snippet line's ``indent`` (in a list item, the item's text), or with ``code`` (the indent
    of the fenced code it is written in) as lines of that code. One that cannot be read is left
    out, with a warning; in code, where it may show the syntax, it stays as written."""
    want = snippets.wanted(written)

    def left_out(why: str) -> None:
        if code is not None:
            out.append((f'{code}--8<-- "{written}"', path, line))
            return
        state.diagnostics.warn(f"snippet '{written}' left out: {why}", path, line)

    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", want.name):
        return left_out("it is on the web, and a build reads no network (put a copy beside the manuscript)")
    found = next((where for where in snippets.candidates(want.name, path, state.root) if where.is_file()), None)
    if found is None:
        return left_out(f"no such file beside {path.name} or in the manuscript's folder")
    try:
        check_inside(found, (state.root,), want.name)
    except ResourceError as exc:
        return left_out(exc.message)
    target = found.resolve()
    if target in stack or len(stack) > MAX_INCLUDE_DEPTH:
        raise ManuscriptError(f"snippet '{written}' includes itself, or snippets nest too deep; refused", path, line)
    state.inputs.append(target)
    text = read_text(target, state.diagnostics)  # once per build, however many snippets name it
    whole = want.start is None and want.end is None and want.section is None
    offset = frontmatter.split(text, target)[2] if whole and code is None else 0
    lines = text.split("\n")[offset:]
    if lines and not lines[-1]:
        lines.pop()  # the file's last newline ends its last line
    chosen, first, why = snippets.selected(lines, want)
    if why is not None:
        return left_out(why)
    if code is not None:
        out.extend(
            (f"{code}{text}" if text else text, target, offset + first + index) for index, text in enumerate(chosen)
        )
        return None
    _expand(
        target, [f"{indent}{text}" if text else text for text in chosen], offset + first, state, (*stack, target), out
    )
    return None


def _unescaped(match: re.Match[str]) -> str:
    """The shortcode an escaped one writes: ``{{< name >}}`` for ``{{</* name */>}}``."""
    return f"{{{{< {match.group(1)} >}}}}" if match.group(1) is not None else f"{{{{% {match.group(2)} %}}}}"


def _shortcodes(line: str, path: Path, number: int, state: _State) -> str:
    if "{{<" not in line and "{{%/*" not in line:
        return line
    escaped: list[str] = []

    def keep(match: re.Match[str], in_code: bool) -> str:
        written = _unescaped(match)  # in text, its braces as references: not read as Liquid either
        escaped.append(written if in_code else written.replace("{", "&#123;").replace("}", "&#125;"))
        return f"\ue010{len(escaped) - 1}\ue011"

    def replace(match: re.Match[str]) -> str:
        kind, argument = match.group(1), match.group(2).strip()
        if kind == "var":
            value = variable(argument, state, path, number)
            if state.selection.translation is not None:
                return _marked(argument, value, state)
            return html.escape(value, quote=False)
        if kind == "include":
            raise ManuscriptError("{{< include >}} must stand alone on its line", path, number)
        if "hugo" in state.dialects:  # the Hugo dialect read the others; one left is shown in inline code
            return match.group(0)
        raise ManuscriptError(f"unknown shortcode '{{{{< {kind} >}}}}' (known: var, include)", path, number)

    line = outside_code_spans(line, lambda text: ESCAPED.sub(lambda m: keep(m, False), text))
    line = ESCAPED.sub(lambda m: keep(m, True), line)  # those left are in inline code
    line = SHORTCODE.sub(replace, line)
    return re.sub("\ue010(\\d+)\ue011", lambda m: escaped[int(m.group(1))], line)


def variable(key: str, state: _State, path: Path, line: int) -> str:
    """The value of a dotted key in variables.yaml, as text. A key that names no single value
    is a fault at its line, shown as ``?var:key`` (as Quarto shows it)."""
    if state.variables is None:
        state.variables = _load_variables(state)
    value: Any = state.variables
    missing = f"?var:{key}"
    if state.variables_path is None:
        state.diagnostics.warn(
            f"unknown variable '{key}': there is no {VARIABLES_FILE} beside the manuscript; shown as {missing}",
            path,
            line,
        )
        return missing
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            state.diagnostics.warn(
                f"unknown variable '{key}' (not in {VARIABLES_FILE}); shown as {missing}", path, line
            )
            return missing
        value = value[part]
    if isinstance(value, dict) and "data" in value:
        return _data_cell(key, value, state)
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        state.diagnostics.warn(
            f"variable '{key}' is not a single value (text or a number); shown as {missing}", path, line
        )
        return missing
    return str(value)


def _marked(key: str, value: str, state: _State) -> str:
    """A variable's value, marked for translation (source/passes/translate.py): a text value of
    variables.yaml is a unit of its own, translated in a translated edition; numbers and data
    cells are already in the edition's language."""
    from ..translate.catalog import Unit

    edition = state.selection.translation
    raw: Any = state.variables
    for part in key.split("."):
        raw = raw.get(part) if isinstance(raw, dict) else None
    translated = None
    if isinstance(raw, str) and any(ch.isalpha() for ch in raw):
        source = state.variables_path or state.root / VARIABLES_FILE
        line = _key_line(state.variables_text, key)
        unit = Unit(value, f"variables.yaml {key}", source, line, "variable", "Variables")
        translated = edition.lookup(unit)
    return edition.mark(key, value, translated)


DATA_CELL_KEYS = {"data", "row", "column", "format"}
AS_WRITTEN = ("as written", "raw")
COMPACT = "compact"  # "3.5 million": the number in words, as the language shortens it


def _data_cell(key: str, spec: dict[str, Any], state: _State) -> str:
    """A variable that takes its value from one cell of a data file: the row whose columns have
    the values ``row`` gives, in ``column``. Every fault is an error at the variable's line in
    variables.yaml."""
    source = state.variables_path or state.root / VARIABLES_FILE
    line = _key_line(state.variables_text, key)

    def fail(message: str) -> ManuscriptError:
        return ManuscriptError(f"variable '{key}': {message}", source, line)

    unknown = sorted(set(spec) - DATA_CELL_KEYS)
    if unknown:
        raise fail(f"unknown key '{unknown[0]}' (a data cell has data, row, column and format)")
    name, row, column, pattern = spec.get("data"), spec.get("row"), spec.get("column"), spec.get("format")
    if not isinstance(name, str) or not name.strip():
        raise fail("'data' must name a data file beside the manuscript (data/figures.csv)")
    if not isinstance(row, dict) or not row:
        raise fail("'row' must say which row, by the value of one or more columns ({month: \"2020-02\"})")
    if not isinstance(column, str) or not column.strip():
        raise fail("'column' must name the column that holds the value")
    if pattern is not None and not isinstance(pattern, str):
        raise fail('\'format\' must be a number pattern such as "#,##0", or "as written"')
    try:
        target = resolve_reference(name, state.root, (state.root,))
    except ResourceError as exc:
        raise fail(f"data: {exc.message}") from None
    data = state.data.get(target)
    if data is None:
        data = datafiles.read(target, diagnostics=state.diagnostics)  # a malformed file: an error at its line
        state.data[target] = data
    for wanted in (*row, column):
        if wanted not in data.columns:
            raise fail(f"{name} has no column '{wanted}' (its columns: {', '.join(data.columns)})")
    matches = [
        (found, at)
        for found, at in zip(data.rows, data.lines, strict=True)
        if all(_same(found.get(col), value) for col, value in row.items())
    ]
    wanted_row = ", ".join(f"{col} = {value}" for col, value in row.items())
    if not matches:
        raise fail(f"{name} has no row with {wanted_row}")
    if len(matches) > 1:
        lines = ", ".join(str(at) for _, at in matches[:4])
        raise fail(f"{name} has {len(matches)} rows with {wanted_row} (lines {lines}); name one with more columns")
    cell = matches[0][0].get(column)
    if cell is None or cell == "":
        raise fail(f"the cell of {name} in column '{column}' for {wanted_row} is empty")
    if isinstance(pattern, str) and pattern.strip().lower() in AS_WRITTEN:
        return str(cell)
    number = datafiles.number(cell)
    if number is not None and isinstance(pattern, str) and pattern.strip().lower() == COMPACT:
        return datafiles.format_compact(number, state.language)
    if number is not None:
        try:
            return datafiles.format_number(number, state.language, pattern)
        except (ValueError, KeyError) as exc:
            raise fail(f"format '{pattern}' is not a number pattern: {exc}") from None
    return datafiles.shown(cell, state.language)


def _same(cell: Any, wanted: Any) -> bool:
    if isinstance(wanted, bool):
        return str(cell).strip().lower() == str(wanted).lower()
    left, right = datafiles.number(cell), datafiles.number(wanted)
    if left is not None and right is not None:
        return left == right
    return str(cell).strip() == str(wanted).strip()


def _key_line(text: str, key: str) -> int | None:
    """The line of variables.yaml where a dotted key is written (each part after its parent's)."""
    lines = text.split("\n")
    at, found = 0, None
    for part in key.split("."):
        pattern = re.compile(rf"^\s*[\"']?{re.escape(part)}[\"']?\s*:")
        for index in range(at, len(lines)):
            if pattern.match(lines[index]):
                at, found = index + 1, index + 1
                break
        else:
            return found
    return found


def _load_variables(state: _State) -> dict[str, Any]:
    source = state.root / VARIABLES_FILE
    if not source.is_file():
        return {}
    state.variables_path = source
    state.variables_text = read_text(source, state.diagnostics)
    try:
        data = frontmatter.load(state.variables_text, source, state.diagnostics)[1]
    except yaml.YAMLError as exc:
        raise yamltext.error(exc, state.variables_text, source, VARIABLES_FILE) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ManuscriptError("must be a mapping of names to values (name: value)", source, 1)
    return data


def _keep_called_notes(body: list[tuple[str, Path, int]]) -> list[tuple[str, Path, int]]:
    """Once passages are left out, keep only the note definitions that the kept text calls.

    (Definitions written outside the hidden passages stay in the text; those no kept text calls
    go, with their indented continuation lines.)"""
    blocks: list[tuple[str, int, int]] = []  # (label, first index, end index)
    index = 0
    while index < len(body):
        match = NOTE_DEFINITION.match(body[index][0])
        if match is None:
            index += 1
            continue
        end = index + 1
        while end < len(body) and (body[end][0].startswith(("    ", "\t")) or not body[end][0].strip()):
            end += 1
        blocks.append((match.group(1), index, end))
        index = end
    inside = {i for _, start, end in blocks for i in range(start, end)}
    called = {label for i, (line, _, _) in enumerate(body) if i not in inside for label in NOTE_CALL.findall(line)}
    for label, start, end in blocks:  # notes called from kept notes
        if label in called:
            for line, _, _ in body[start:end]:
                called.update(NOTE_CALL.findall(NOTE_DEFINITION.sub("", line)))
    dropped = {i for label, start, end in blocks if label not in called for i in range(start, end)}
    return [entry for i, entry in enumerate(body) if i not in dropped]
