"""Charts: a figure whose source is a Vega-Lite spec becomes an SVG image and a data table.

``![Displaced people by month](charts/displaced.vl.json){#fig-displaced}`` (or ``.vl.yaml``)
is a chart. Two steps, around the figure numbering:

1. :func:`charts`, before images are admitted: each spec is read (inside the manuscript's
   folder), its data inlined (``data.url``: CSV, TSV or JSON relative to the spec, inside the
   folder, never the network; or ``data.values``), its fields checked against the data's
   columns, and drawn by :mod:`report_build.charts`. The ``<img>`` then points at the SVG, an
   image that exists only in the model (as ``data:`` images do). The bracket text is the
   caption when no title is given, and the alt text is generated from the spec and the data
   (chart type, what the axes measure, the range, the highest and lowest points); with a
   title, the bracket text is the author's own alt text and wins.
2. :func:`data_tables`, once figures are numbered: after each chart, ``chart-data.html``
   renders its data as a table ("Data for Figure N"), with the download link the site keeps;
   the figure carries the same table (:class:`~report_build.model.DataTable`) for ``diff``.

A chart that cannot be drawn (a spec that is not Vega-Lite, a data file missing or malformed,
a field that is not a column, a data URL on the network) is a warning at ``file:line`` (the
spec's or the data file's; the manuscript's line when the spec itself is missing) and a
placeholder that shows the caption; with ``--strict`` and in a release, the warning is an error.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml
from lxml import etree

from ... import charts as converter
from ...contract import CHART_DATA_TABLE, TABLE_WRAP
from ...errors import Diagnostics, ReportBuildError, ResourceError
from ...image_data import Embedded
from ...model import RTL_LANGUAGES, Attachment, DataTable, Figure
from ...sandbox import SCHEME, resolve_reference
from .. import datafiles, files, yamltext
from ..text import escaped_in, read_text
from ..tree import Context, replace_with_markup

SPEC_SUFFIXES = (".vl.json", ".vl.yaml", ".vl.yml")
SVG_SUFFIX = ".chart.svg"
CSV_SUFFIX = ".data.csv"
VIEWS = ("mark", "layer", "hconcat", "vconcat", "concat", "facet", "repeat", "spec")
POSITION = ("x", "y", "theta", "x2", "y2", "radius")
CHANNELS = (*POSITION, "color", "row", "column", "size", "shape", "opacity", "text", "detail")
POINT_MARKS = {"circle": "point", "square": "point"}
_rendered: dict[str, str] = {}  # SVGs drawn in this process, by digest: a watch or a second reading


class ChartFaultError(ReportBuildError):
    """What keeps a chart from being drawn, at the file and line at fault."""


@dataclass(frozen=True)
class Chart:
    """A chart as the first step leaves it for the second."""

    src: str  # the SVG's name in the chapter body (relative to the manuscript)
    table: DataTable | None
    attachment: Attachment | None
    alt: str = ""  # generated from the spec and the data


@dataclass
class Found:
    """What :func:`charts` found: the SVGs (as embedded images), the charts by SVG name, and
    the files read (specs and data) for the build's inputs."""

    embedded: dict[str, Embedded] = field(default_factory=dict)
    charts: dict[str, Chart] = field(default_factory=dict)
    inputs: list[Path] = field(default_factory=list)


def is_spec(src: str) -> bool:
    return unquote(src.split("#")[0].split("?")[0]).lower().endswith(SPEC_SUFFIXES)


def charts(root: etree._Element, ctx: Context, cache: Any = None) -> Found:
    """Draw every chart (see the module's docstring); ``cache`` is the build's
    :class:`~report_build.cache.BuildCache` (SVGs by digest), or None."""
    found = Found()
    seen: dict[str, int] = {}
    setup: list[tuple[dict[str, Any], tuple[Path, ...], str]] = []  # read once, at the first chart
    for img in list(root.iter("img")):
        written = (img.get("src") or "").strip()
        if not is_spec(written):
            continue
        if not setup:
            fonts = _font_dirs(ctx)
            setup.append((chart_config(ctx), fonts, _fonts_digest(fonts)))
        line = ctx.source.find(written, seen.get(written, 0) + 1) or ctx.source.find(written)
        if line is not None:
            seen[written] = line
        _caption(img)
        figure = img.getparent()
        if figure is not None and figure.tag == "figure":
            figure.set("class", " ".join([*(figure.get("class") or "").split(), "chart"]))
        try:
            chart, svg, inputs = _draw(unquote(written), ctx, cache, line, *setup[0])
        except ChartFaultError as exc:  # a fault: --strict, release and check refuse it
            ctx.diagnostics.warn(f"chart not drawn: {exc.message}", exc.path, exc.line)
            name = _svg_name(unquote(written), ctx).removesuffix(SVG_SUFFIX) + f"-not-drawn-{len(found.embedded)}.svg"
            found.embedded[name] = Embedded(name, "image/svg+xml", placeholder(img, ctx), line)
            img.set("src", name)
            continue
        found.inputs.extend(inputs)
        found.embedded[chart.src] = Embedded(chart.src, "image/svg+xml", svg.encode("utf-8"), line)
        found.charts[chart.src] = chart
        img.set("src", chart.src)
        if not (img.get("alt") or "").strip() or img.get("data-generated-alt"):
            img.set("alt", chart.alt or _caption_text(img))
        img.attrib.pop("data-generated-alt", None)
    return found


def _caption(img: etree._Element) -> None:
    """Without a title, the bracket text is the caption (and the alt text is generated), as it
    is when Quarto's ``{#fig-x}`` already made the brackets the caption."""
    figure = img.getparent()
    if figure is None or figure.tag != "figure":
        return
    text = " ".join((img.get("alt") or "").split())
    caption = figure.find("figcaption")
    if caption is not None:
        if text and " ".join("".join(caption.itertext()).split()) == text:
            img.set("data-generated-alt", "1")
        return
    if text:
        etree.SubElement(figure, "figcaption").text = text
        img.set("data-generated-alt", "1")


def _caption_text(img: etree._Element) -> str:
    figure = img.getparent()
    caption = figure.find("figcaption") if figure is not None else None
    return " ".join("".join(caption.itertext()).split()) if caption is not None else (img.get("alt") or "")


def _svg_name(spec: str, ctx: Context) -> str:
    """The SVG's name: the spec's path relative to the manuscript, ``.vl.json`` -> ``.chart.svg``."""
    target = (ctx.path.parent / spec).resolve()
    try:
        relative = target.relative_to(ctx.roots[0]).as_posix()
    except ValueError:
        relative = Path(spec).name
    return re.sub(r"\.vl\.(json|ya?ml)$", "", relative, flags=re.IGNORECASE) + SVG_SUFFIX


def _draw(
    spec_ref: str,
    ctx: Context,
    cache: Any,
    line: int | None,
    config: dict[str, Any],
    fonts: tuple[Path, ...],
    fonts_digest: str,
) -> tuple[Chart, str, list[Path]]:
    """Read, check, inline and draw one spec, with the layout's chart configuration and fonts."""
    try:
        spec_path = resolve_reference(spec_ref, ctx.path.parent, ctx.roots)
    except ResourceError as exc:
        raise ChartFaultError(f"spec: {exc.message}", ctx.path, line) from None
    spec, text = read_spec(spec_path, ctx.diagnostics)
    inputs = [spec_path]
    spec, datasets = inline(spec, spec_path, text, ctx.roots, ctx.diagnostics)
    inputs.extend(data.path for data, from_file in datasets if from_file)
    check_words(spec, spec_path, text)
    check_fields(spec, datasets, spec_path, text)
    check_cells(spec, datasets, ctx.diagnostics)
    if ctx.translation is not None:  # its words as units; in a translated edition, translated
        from .translate import chart as translated_chart

        source_direction = "rtl" if ctx.translation.source_language.split("-")[0].lower() in RTL_LANGUAGES else "ltr"
        mirror = ctx.metadata.direction != source_direction
        spec, datasets = translated_chart(ctx.translation, spec, datasets, spec_path, text, mirror, _views, _line_of)
    language = ctx.metadata.language
    digest = converter.key(spec, config, language, fonts_digest)
    svg = _rendered.get(digest)
    if svg is None:
        entry = f"chart-{digest}.svg"
        cached = cache.read(entry) if cache is not None else None
        if cached is not None:
            svg = cached.decode("utf-8")
        else:
            converter.register_fonts(fonts)
            try:
                svg = converter.render(spec, config, language)
            except converter.ChartError as exc:
                raise ChartFaultError(f"not valid Vega-Lite: {exc.message}", spec_path, _view_line(text)) from None
            if cache is not None:
                cache.put(entry, svg.encode("utf-8"))
        _rendered[digest] = svg
    for colour, ratio in converter.light_marks(svg):
        ctx.diagnostics.warn(
            f"chart colour {colour} has a contrast of {ratio:.1f}:1 with white paper (at least "
            f"{converter.MIN_CONTRAST:.0f}:1 is needed): it may be lost in print; use a darker colour",
            spec_path,
            _line_of(text, colour) or _view_line(text),
        )
    name = _svg_name(spec_ref, ctx)
    table, attachment, alt = None, None, ""
    if datasets:
        data, from_file = datasets[0]
        root = ctx.roots[0]
        if from_file:
            download = data.path.relative_to(root).as_posix()
            attachment = Attachment(download, data.path, files.read_bytes(data.path))  # as this build read it
        else:
            download = name.removesuffix(SVG_SUFFIX) + CSV_SUFFIX
            attachment = Attachment(download, root / download, datafiles.as_csv(data))
        table = data_table(spec, data, language, download)
        alt = describe(spec, data, language, ctx.theme.strings)
    return Chart(name, table, attachment, alt), svg, inputs


def read_spec(path: Path, diagnostics: Diagnostics | None = None) -> tuple[dict[str, Any], str]:
    """A spec file as a mapping, and its text (for lines in messages); a character no page can
    hold is removed with a warning to ``diagnostics``."""
    try:
        text = read_text(path, diagnostics)
    except ReportBuildError as exc:
        raise ChartFaultError(exc.message, path, exc.line) from None
    if path.name.lower().endswith(".json"):
        try:
            spec = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ChartFaultError(f"spec is not valid JSON: {exc.msg}", path, exc.lineno) from None
    else:
        try:
            spec = yaml.load(text, Loader=yamltext.SAFE_LOADER)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            problem = getattr(exc, "problem", None) or str(exc)
            raise ChartFaultError(f"spec is not valid YAML: {problem}", path, mark.line + 1 if mark else None) from None
    escaped = escaped_in(spec, text)
    if escaped is not None:
        raise ChartFaultError(f"spec holds {escaped[0]}", path, escaped[1])
    if not isinstance(spec, dict):
        raise ChartFaultError('a Vega-Lite spec is an object ({"mark": ..., "encoding": ...})', path, 1)
    if not any(key in spec for key in VIEWS):
        raise ChartFaultError("not a Vega-Lite spec: it has no 'mark', 'layer' or other view", path, 1)
    return spec, text


def inline(
    spec: dict[str, Any], spec_path: Path, text: str, roots: tuple[Path, ...], diagnostics: Diagnostics | None = None
) -> tuple[dict[str, Any], list[tuple[datafiles.Data, bool]]]:
    """A copy of the spec with every ``data.url`` replaced by the file's text (read and checked
    here, so the converter never loads anything), and the data sets in the order found, each
    with whether it came from a file (what no page can hold removed, with a warning to ``diagnostics``)."""
    spec = copy.deepcopy(spec)
    found: list[tuple[datafiles.Data, bool]] = []

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            data = node.get("data")
            if isinstance(data, dict):
                _one(data)
            for key, value in node.items():
                if key != "data":
                    visit(value)
        elif isinstance(node, list):
            for item in node:
                visit(item)

    def _one(data: dict[str, Any]) -> None:
        form = data.get("format") if isinstance(data.get("format"), dict) else {}
        if "url" in data:
            url = str(data["url"])
            line = _line_of(text, url)
            scheme = SCHEME.match(url.strip())
            if (scheme and len(scheme.group(1)) > 1) or url.strip().startswith("//"):
                raise ChartFaultError(
                    f"data URL '{url}' is refused: builds never use the network; save the data beside "
                    "the spec and give its relative path",
                    spec_path,
                    line,
                )
            try:
                target = resolve_reference(url, spec_path.parent, roots, near="the spec")
            except ResourceError as exc:
                raise ChartFaultError(f"data: {exc.message}", spec_path, line) from None
            try:
                kind = datafiles.kind_of(target, form.get("type"))
                parsed = datafiles.read(target, kind, form.get("property"), diagnostics)
            except datafiles.DataError as exc:
                raise ChartFaultError(exc.message, exc.path, exc.line) from None
            data.pop("url")
            data["values"] = parsed.text
            data["format"] = {**form, "type": kind}
            found.append((parsed, True))
        elif isinstance(data.get("values"), list):
            rows = data["values"]
            if all(isinstance(row, dict) for row in rows):
                found.append((datafiles.values(rows, spec_path), False))

    visit(spec)
    return spec, found


def _views(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The spec and every view inside it (layers, concatenations, a facet's or repeat's spec)."""
    views = [spec]
    for key in ("layer", "hconcat", "vconcat", "concat"):
        for item in spec.get(key) or []:
            if isinstance(item, dict):
                views.extend(_views(item))
    if isinstance(spec.get("spec"), dict):
        views.extend(_views(spec["spec"]))
    return views


def _encodings(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    encoding = view.get("encoding")
    if not isinstance(encoding, dict):
        return {}
    return {channel: value for channel, value in encoding.items() if isinstance(value, dict)}


def _derived(spec: Any) -> set[str]:
    """Every name a transform makes (``as``), anywhere in the spec."""
    names: set[str] = set()
    if isinstance(spec, dict):
        made = spec.get("as")
        if isinstance(made, str):
            names.add(made)
        elif isinstance(made, list):
            names.update(item for item in made if isinstance(item, str))
        for value in spec.values():
            names |= _derived(value)
    elif isinstance(spec, list):
        for item in spec:
            names |= _derived(item)
    return names


MARKS = (
    "arc", "area", "bar", "boxplot", "circle", "errorband", "errorbar", "geoshape", "image", "line",
    "point", "rect", "rule", "square", "text", "tick", "trail",
)  # fmt: skip
"""Vega-Lite's marks."""
FIELD_TYPES = ("quantitative", "temporal", "ordinal", "nominal", "geojson")
"""Vega-Lite's types of an encoded field; it takes them in any case, and by their initials (``"Q"``)."""
FIELD_TYPE_INITIALS = frozenset({"q", "t", "o", "n", "g"})


def check_words(spec: dict[str, Any], spec_path: Path, text: str) -> None:
    """A mark or a field type Vega-Lite does not know (``"lines"``, ``"quantitive"``) is named,
    with the word it is nearest, at its line: Vega-Lite's own message for it is about its
    internals ("Cannot read properties of undefined (reading 'filled')")."""
    for view in _views(spec):
        mark = view.get("mark")
        kind = mark.get("type") if isinstance(mark, dict) else mark
        if isinstance(kind, str) and kind not in MARKS:
            raise ChartFaultError(
                f"'{kind}' is not a Vega-Lite mark{_nearest(kind, MARKS)} (the marks: {', '.join(MARKS)})",
                spec_path,
                _line_of(text, f'"{kind}"') or _view_line(text),
            )
        for definition in _encodings(view).values():
            field_type = definition.get("type")
            if isinstance(field_type, str) and field_type.lower() not in (*FIELD_TYPES, *FIELD_TYPE_INITIALS):
                raise ChartFaultError(
                    f"'{field_type}' is not a Vega-Lite field type{_nearest(field_type, FIELD_TYPES)} "
                    f"(the types: {', '.join(FIELD_TYPES)})",
                    spec_path,
                    _line_of(text, f'"{field_type}"') or _view_line(text),
                )


def _nearest(word: str, words: tuple[str, ...]) -> str:
    near = difflib.get_close_matches(word, words, n=1, cutoff=0.6)
    return f": did you mean '{near[0]}'?" if near else ""


def check_fields(spec: dict[str, Any], datasets: list[tuple[datafiles.Data, bool]], spec_path: Path, text: str) -> None:
    """Every field an encoding names must be a column of the data (or made by a transform)."""
    if not datasets:
        return
    columns = {column for data, _ in datasets for column in data.columns} | _derived(spec)
    for view in _views(spec):
        for definition in _encodings(view).values():
            name = definition.get("field")
            if not isinstance(name, str) or "." in name or "[" in name or name in columns:
                continue
            shown = ", ".join(datasets[0][0].columns)
            where = datasets[0][0].path.name if datasets[0][1] else "the inline values"
            raise ChartFaultError(
                f"field '{name}' is not a column of {where} (its columns: {shown})",
                spec_path,
                _field_line(text, name),
            )


def check_cells(spec: dict[str, Any], datasets: list[tuple[datafiles.Data, bool]], diagnostics: Diagnostics) -> None:
    """A cell the chart cannot place is a warning at its row's line: a quantitative field's
    cell that is not a number (``1,234``, ``12%``, ``0,45``), a temporal field's cell written
    as an ISO date that is no date (``2024-13-01``). The chart leaves the first out and
    may put the second anywhere, without a word. An empty cell, or one that says the value is
    missing (``NA``, ``n/a``: :data:`MISSING`), is a gap, as the author meant."""
    checks = {
        "quantitative": (
            _not_a_number,
            "is not a number: the chart leaves the point out; correct it, or leave the cell empty for a gap",
        ),
        "temporal": (_not_a_date, "is not a date: the chart would put the point in the wrong place; correct it"),
    }
    seen: set[tuple[str, str]] = set()
    for view in _views(spec):
        for definition in _encodings(view).values():
            name, kind = definition.get("field"), definition.get("type")
            if not isinstance(name, str) or kind not in checks or definition.get("aggregate") == "count":
                continue
            faulty, what = checks[kind]
            for data, from_file in datasets:
                if not from_file or name not in data.columns or (data.path.name, name) in seen:
                    continue
                seen.add((data.path.name, name))
                bad = [
                    (line, row.get(name))
                    for row, line in zip(data.rows, data.lines, strict=False)
                    if faulty(row.get(name))
                ]
                if bad:
                    line, value = bad[0]
                    more = f" ({len(bad) - 1} more in this column)" if len(bad) > 1 else ""
                    diagnostics.warn(
                        f"chart data: the cell '{value}' of column '{name}' {what}{more}",
                        data.path,
                        line,
                    )


MISSING = frozenset({"na", "n/a", "nan", "null", "none", "-", "\u2013", "\u2014", ".."})
"""What spreadsheets and R write for a value that is missing (``write.csv`` writes NA): a gap, as an
empty cell is, in Vega-Lite and here."""


def _not_a_number(value: Any) -> bool:
    text = "" if value is None else str(value).strip()
    return text.lower() not in MISSING and text != "" and datafiles.number(value) is None


def _not_a_date(value: Any) -> bool:
    text = str(value).strip() if isinstance(value, str) else ""
    return bool(datafiles.ISO_MONTH.match(text) or datafiles.ISO_DAY.match(text)) and datafiles.date(text) is None


def _line_of(text: str, needle: str) -> int | None:
    at = text.find(needle)
    return text.count("\n", 0, at) + 1 if at >= 0 else None


def _field_line(text: str, name: str) -> int | None:
    """The line where ``field: name`` is written (JSON or YAML)."""
    pattern = re.compile(rf"""field["']?\s*:\s*["']?{re.escape(name)}(["',}}\s]|$)""")
    for number, line in enumerate(text.split("\n"), 1):
        if pattern.search(line):
            return number
    return _line_of(text, name)


def _view_line(text: str) -> int:
    for key in VIEWS:
        line = _line_of(text, f'"{key}"') or _line_of(text, f"{key}:")
        if line:
            return line
    return 1


# -- the chart's data as a table, and its alt text -------------------------------------------------


@dataclass(frozen=True)
class Roles:
    """What the chart plots: the category (across), the measure (up), a series, and the marks."""

    marks: tuple[str, ...]
    category: tuple[str, str, str] | None  # (field, title, type)
    measure: tuple[str, str, str] | None
    series: tuple[str, str, str] | None


def roles(spec: dict[str, Any]) -> Roles:
    marks: list[str] = []
    encoding: dict[str, dict[str, Any]] = {}
    for view in _views(spec):
        mark = view.get("mark")
        kind = mark.get("type") if isinstance(mark, dict) else mark
        if isinstance(kind, str):
            marks.append(POINT_MARKS.get(kind, kind))
        for channel, definition in _encodings(view).items():
            if isinstance(definition.get("field"), str):
                encoding.setdefault(channel, definition)

    def described(channel: str) -> tuple[str, str, str] | None:
        definition = encoding.get(channel)
        if definition is None:
            return None
        title = definition.get("title")
        axis = definition.get("axis")
        if not isinstance(title, str) and isinstance(axis, dict) and isinstance(axis.get("title"), str):
            title = axis["title"]
        name = definition["field"]
        return name, title if isinstance(title, str) else name, str(definition.get("type", "nominal"))

    x, y = described("x"), described("y")
    if "theta" in encoding:
        measure, category = described("theta"), described("color")
    elif x is not None and x[2] == "quantitative" and (y is None or y[2] != "quantitative"):
        measure, category = x, y
    else:
        measure, category = y, x
    series = described("color") if "theta" not in encoding else None
    if series is not None and category is not None and series[0] == category[0]:
        series = None
    return Roles(tuple(dict.fromkeys(marks)), category, measure, series)


def _kept(rows: tuple[dict[str, Any], ...], spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows the chart's field filters keep (``{"filter": {"field": ..., "oneOf": [...]}}``
    and the like); a filter written as an expression keeps every row here."""
    filters = [t["filter"] for t in spec.get("transform") or [] if isinstance(t, dict) and "filter" in t]
    return [row for row in rows if all(_passes(row, f) is not False for f in filters)]


def _passes(row: dict[str, Any], test: Any) -> bool | None:
    if isinstance(test, dict):
        if "and" in test:
            results = [_passes(row, t) for t in test["and"]]
            return None if None in results else all(results)
        if "or" in test:
            results = [_passes(row, t) for t in test["or"]]
            return None if None in results else any(results)
        if "not" in test:
            result = _passes(row, test["not"])
            return None if result is None else not result
        name = test.get("field")
        if isinstance(name, str) and "timeUnit" not in test:
            value = row.get(name)
            number = datafiles.number(value)

            def same(other: Any) -> bool:
                other_number = datafiles.number(other)
                if number is not None and other_number is not None:
                    return number == other_number
                return str(value) == str(other)

            if "equal" in test:
                return same(test["equal"])
            if "oneOf" in test:
                return any(same(item) for item in test["oneOf"])
            if "valid" in test:
                return (value not in (None, "")) == bool(test["valid"])
            if number is not None:
                for op, check in (("lt", float.__lt__), ("lte", float.__le__), ("gt", float.__gt__)):
                    if op in test and datafiles.number(test[op]) is not None:
                        return check(float(number), float(datafiles.number(test[op])))
                if "gte" in test and datafiles.number(test["gte"]) is not None:
                    return float(number) >= float(datafiles.number(test["gte"]))
                if "range" in test and isinstance(test["range"], list) and len(test["range"]) == 2:
                    low, high = (datafiles.number(v) for v in test["range"])
                    return (low is None or number >= low) and (high is None or number <= high)
    return None


def data_table(spec: dict[str, Any], data: datafiles.Data, language: str, download: str) -> DataTable:
    """The chart's data as the reader sees it: the columns the chart encodes (category first,
    then the measure, then the series and others), the rows its field filters keep."""
    found = roles(spec)
    order = [part for part in (found.category, found.measure, found.series) if part is not None]
    titles: dict[str, tuple[str, str]] = {name: (title, kind) for name, title, kind in order}
    for view in _views(spec):
        for definition in _encodings(view).values():
            name = definition.get("field")
            if isinstance(name, str) and name in data.columns and name not in titles:
                title = definition.get("title")
                titles[name] = (title if isinstance(title, str) else name, str(definition.get("type", "nominal")))
    columns = [name for name in titles if name in data.columns] or list(data.columns)
    rows = _kept(data.rows, spec)
    numeric = tuple(titles.get(name, ("", ""))[1] == "quantitative" for name in columns)
    shown_rows = tuple(
        tuple(
            datafiles.shown(row.get(name), language, as_number=is_number)
            for name, is_number in zip(columns, numeric, strict=True)
        )
        for row in rows
    )
    headers = tuple(titles.get(name, (name, ""))[0] for name in columns)
    return DataTable(headers, shown_rows, numeric, download)


def describe(spec: dict[str, Any], data: datafiles.Data, language: str, strings: dict[str, Any]) -> str:
    """Alt text: the chart type, what the axes measure, the range, the highest and lowest points,
    in the document's language (the words from the layout's strings: ``chart_*``)."""
    found = roles(spec)
    types = strings.get("chart_types") or {}
    marks = [m for m in found.marks if m not in ("text", "rule")] or list(found.marks)
    if len(marks) > 1:
        words = strings.get("chart_marks") or {}
        listed = [str(words.get(m, m)) for m in marks]
        joiner = str(strings.get("and", "and"))
        named = ", ".join(listed[:-1]) + f" {joiner} " + listed[-1]
        kind = str(strings.get("chart_layered", "Chart combining {marks}")).format(marks=named)
    else:
        kind = str(types.get(marks[0] if marks else "chart", types.get("chart", "Chart")))
    sentences: list[str] = []
    measure, category = found.measure, found.category
    if measure is not None and category is not None:
        sentences.append(
            str(strings.get("chart_of", "{type} of {measure} by {category}.")).format(
                type=kind, measure=measure[1], category=category[1]
            )
        )
    else:
        sentences.append(f"{kind}.")
    rows = _kept(data.rows, spec)
    if category is not None and category[2] in ("temporal", "quantitative", "ordinal") and len(rows) > 1:
        first, last = rows[0].get(category[0]), rows[-1].get(category[0])
        sentences.append(
            str(strings.get("chart_span", "{category} from {first} to {last}.")).format(
                category=category[1],
                first=_cell(first, category, language, spec),
                last=_cell(last, category, language, spec),
            )
        )
    if measure is not None:
        valued = [(datafiles.number(row.get(measure[0])), row) for row in rows]
        valued = [(value, row) for value, row in valued if value is not None]
        if valued:
            low = min(valued, key=lambda item: item[0])
            high = max(valued, key=lambda item: item[0])
            measured = _as_the_axis_shows(spec, measure[0], language)
            sentences.append(
                str(strings.get("chart_range", "{measure} from {low} to {high}.")).format(
                    measure=measure[1], low=measured(low[0]), high=measured(high[0])
                )
            )
            if len(valued) > 1 and (category is not None or found.series is not None):
                sentences.append(
                    str(
                        strings.get("chart_extremes", "Highest: {high_label}, {high}. Lowest: {low_label}, {low}.")
                    ).format(
                        high_label=_label(high[1], found, language, strings, spec),
                        high=measured(high[0]),
                        low_label=_label(low[1], found, language, strings, spec),
                        low=measured(low[0]),
                    )
                )
    return " ".join(sentences)


def _label(row: dict[str, Any], found: Roles, language: str, strings: dict[str, Any], spec: dict[str, Any]) -> str:
    parts = [_cell(row.get(part[0]), part, language, spec) for part in (found.category, found.series) if part]
    return str(strings.get("comma", ", ")).join(part for part in parts if part)


def _definition(spec: dict[str, Any], name: str) -> dict[str, Any]:
    """The first encoding of the field ``name`` (what its axis shows)."""
    for view in _views(spec):
        for definition in _encodings(view).values():
            if definition.get("field") == name:
                return definition
    return {}


def _as_the_axis_shows(spec: dict[str, Any], name: str, language: str) -> Callable[[float | int], str]:
    """How a value of the measure reads on its axis: a fraction as a percentage when the axis
    (or the field) formats it with d3's ``%`` (".1%": one decimal), else as the language
    writes numbers. The alt text then says "30%" where the chart says 30%, not "0.3"."""
    definition = _definition(spec, name)
    axis = definition.get("axis")
    pattern = (axis.get("format") if isinstance(axis, dict) else None) or definition.get("format")
    if isinstance(pattern, str) and pattern.rstrip().endswith("%"):
        places = re.search(r"\.(\d+)", pattern)
        decimals = int(places.group(1)) if places else 0
        return lambda value: datafiles.format_percent(value, language, decimals)
    return lambda value: datafiles.format_number(value, language)


def _cell(value: Any, part: tuple[str, str, str], language: str, spec: dict[str, Any]) -> str:
    """A category's or series' value as its axis or legend shows it: a date to the time unit the
    chart groups by (``yearquarter``: "2024 Q4", ``year``: "2024", ``yearmonth``: "Oct 2024")."""
    name, _title, kind = part
    unit = _definition(spec, name).get("timeUnit")
    when = datafiles.date(value) if kind == "temporal" and isinstance(unit, str) else None
    if when is not None:
        day = when[0]
        if unit == "year":
            return datafiles.shown(str(day.year), language, as_number=False)
        if unit == "yearquarter":
            return f"{day.year} Q{(day.month - 1) // 3 + 1}"
        if unit == "yearmonth":
            return datafiles.format_date(day, "month", language)
    return datafiles.shown(value, language, as_number=kind == "quantitative")


# -- the layout's chart configuration and fonts ----------------------------------------------------


def chart_config(ctx: Context) -> dict[str, Any]:
    """``charts/config.yaml`` of the layouts (and ``config-rtl.yaml`` over it, right to left)."""
    config: dict[str, Any] = {}
    names = ["charts/config.yaml"] + (["charts/config-rtl.yaml"] if ctx.metadata.direction == "rtl" else [])
    for name in names:
        path = ctx.theme.find(name)
        if path is None:
            continue
        try:
            loaded = yaml.load(path.read_text(encoding="utf-8"), Loader=yamltext.SAFE_LOADER) or {}
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark else None
            raise ResourceError(f"chart configuration is not valid YAML: {exc}", path, line) from None
        if not isinstance(loaded, dict):
            raise ResourceError("chart configuration must be a mapping (a Vega-Lite config)", path, 1)
        config = _merged(config, loaded)
    return config


def _merged(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for name, value in over.items():
        out[name] = _merged(out[name], value) if isinstance(value, dict) and isinstance(out.get(name), dict) else value
    return out


def _font_dirs(ctx: Context) -> tuple[Path, ...]:
    return tuple(folder / "fonts" for folder in ctx.theme.dirs if (folder / "fonts").is_dir())


def _fonts_digest(folders: tuple[Path, ...]) -> str:
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.suffix.lower() in (".ttf", ".otf", ".ttc", ".woff", ".woff2"):
                stat = path.stat()
                digest.update(f"{path.relative_to(folder)}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


# -- placeholders and data tables -------------------------------------------------------------------


def placeholder(img: etree._Element, ctx: Context) -> bytes:
    """An SVG that says the chart was not drawn, with its caption, in the layout's sans."""
    label = str(ctx.theme.strings.get("chart_failed", "Chart not drawn"))
    caption = _caption_text(img)
    if not (img.get("alt") or "").strip() or img.get("data-generated-alt"):
        img.set("alt", f"{label}: {caption}" if caption else label)
    img.attrib.pop("data-generated-alt", None)
    rtl = ctx.metadata.direction == "rtl"
    anchor, x = ("end", 452) if rtl else ("start", 8)
    lines = [label, *_wrap(caption, 70)[:3]]
    bold = ' font-weight="600"'
    texts = "".join(
        f'<text x="{x}" y="{28 + 20 * i}" text-anchor="{anchor}" font-size="{13 if i == 0 else 11}"'
        f"{bold if i == 0 else ''}>{html.escape(text)}</text>"
        for i, text in enumerate(lines)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<svg xmlns="http://www.w3.org/2000/svg" width="460" height="110" viewBox="0 0 460 110">'
        '<rect x="0.5" y="0.5" width="459" height="109" fill="#ffffff" stroke="#5f5f5f" stroke-dasharray="4 3"/>'
        f'<g font-family="RB Sans, RB Arabic, Inter, sans-serif" fill="#1d1d1b">{texts}</g></svg>\n'
    ).encode()


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    return [*lines, current] if current else lines


def data_tables(root: etree._Element, ctx: Context, found: Found, figures: list[Figure]) -> list[Figure]:
    """After each chart, its data table (``chart-data.html``); the figures, each chart's with
    its table. Runs after the figures are numbered and the manuscript's tables wrapped."""
    if not found.charts:
        return figures
    out = []
    figure_word = str(ctx.theme.strings.get("figure", "Figure"))
    for figure in figures:
        chart = found.charts.get(unquote(figure.src))
        if chart is None or chart.table is None:
            out.append(figure)
            continue
        out.append(replace(figure, data=chart.table))
        element = _figure_element(root, figure)
        if element is None:
            continue
        if figure.number:
            words = str(ctx.theme.strings.get("chart_data", "Data for Figure {number}"))
            label = words.format(number=ctx.digits(figure.number))
        else:
            label = str(ctx.theme.strings.get("chart_data_unnumbered", f"Data for the {figure_word.lower()}"))
        rendered = ctx.theme.render("chart-data.html", table=chart.table, label=label)
        holder = etree.Element("div")
        element.addnext(holder)
        holder.tail, element.tail = element.tail, None
        replace_with_markup(holder, rendered)
    for table in root.xpath(f"//table[contains(concat(' ', @class, ' '), ' {CHART_DATA_TABLE} ')]"):
        if table.getparent() is not None and TABLE_WRAP not in (table.getparent().get("class") or ""):
            wrap = etree.Element("div", {"class": TABLE_WRAP})
            table.addprevious(wrap)
            wrap.tail, table.tail = table.tail, None
            wrap.append(table)
    return out


def _figure_element(root: etree._Element, figure: Figure) -> etree._Element | None:
    if figure.id:
        found = root.xpath("//figure[@id=$ident]", ident=figure.id)
        if found:
            return found[0]
    for element in root.iter("figure"):
        img = element.find(".//img")
        if img is not None and img.get("src") == figure.src:
            return element
    return None


def attachments(found: Found) -> tuple[Attachment, ...]:
    """Each chart's data file, once."""
    seen: dict[str, Attachment] = {}
    for chart in found.charts.values():
        if chart.attachment is not None:
            seen.setdefault(chart.attachment.src, chart.attachment)
    return tuple(seen.values())
