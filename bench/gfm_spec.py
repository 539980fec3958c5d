"""The GFM specification's examples through our Markdown set-up: the pass rate per section.

    .venv/bin/python bench/gfm_spec.py                       # the table
    .venv/bin/python bench/gfm_spec.py --section "Lists"     # and each failing example of a section
    .venv/bin/python bench/gfm_spec.py --example 281         # one example: Markdown, expected, ours
    .venv/bin/python bench/gfm_spec.py --spec /elsewhere/spec.txt

The examples are read from ``../shared/gfm/spec.txt`` (github/cmark-gfm's ``test/spec.txt``) at
run time, never copied. Each runs through :func:`render`: the project's Markdown set-up
(``source.extensions.make_markdown``, the same extensions and block fixes a build uses) and the
HTML passes that follow it in a build (raw checkboxes as task boxes, repair, cleaning). Both
sides are then normalised as the CommonMark spec runner does (white space, attribute order,
self-closing tags, character references), after our deliberate outputs are put back in the
spec's terms: typographer's quotes and dashes, heading ids, task boxes, shifted heading levels,
the chapter wrapper, figures, table alignment classes. Examples we render differently on
purpose are listed, with the reason, in ``tests/source/gfm_deviations.yaml``;
``tests/source/test_gfm_spec.py`` asserts the targets per section.
"""

from __future__ import annotations

import argparse
import html
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import lxml.html
import yaml
from lxml import etree

from report_build.html_elements import VOID
from report_build.source import github, repair, sanitize
from report_build.source.extensions import make_markdown

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT.parent / "shared" / "gfm" / "spec.txt"
DEVIATIONS = ROOT / "tests" / "source" / "gfm_deviations.yaml"
FENCE = "`" * 32

# The sections the project holds to at least 90 % (issue 21); the others are measured only.
TARGETS = (
    "Tabs",
    "Thematic breaks",
    "ATX headings",
    "Setext headings",
    "Fenced code blocks",
    "Block quotes",
    "List items",
    "Lists",
    "Tables (extension)",
    "Task list items (extension)",
    "Strikethrough (extension)",
    "Autolinks (extension)",
)
TARGET_RATE = 0.9


@dataclass(frozen=True)
class Example:
    number: int  # 1-based, in the order of the spec (the numbers spec.html shows)
    section: str
    markdown: str
    html: str
    line: int  # where the example starts in spec.txt


@dataclass(frozen=True)
class Result:
    example: Example
    ours: str  # normalised
    expected: str  # normalised
    deviation: str = ""  # the reason, when the example is one we differ on deliberately

    @property
    def passed(self) -> bool:
        return self.ours == self.expected


def examples(spec: Path = SPEC) -> list[Example]:
    """Every example of the spec, with the heading it comes under."""
    found: list[Example] = []
    lines = spec.read_text(encoding="utf-8").split("\n")
    section, index = "", 0
    while index < len(lines):
        line = lines[index]
        heading = re.match(r"^#{1,6} +(.*?)\s*$", line)
        if heading:
            section = heading.group(1)
        if line.startswith(FENCE + " example"):
            start = index + 1
            end = lines.index(FENCE, start)
            dot = lines.index(".", start)
            text = "\n".join(lines[start:dot]).replace("\u2192", "\t")
            expected = "\n".join(lines[dot + 1 : end]).replace("\u2192", "\t")
            found.append(Example(len(found) + 1, section, text + "\n", expected + "\n" if expected else "", start))
            index = end
        index += 1
    return found


def render(text: str) -> str:
    """HTML as a build makes it from ``text``, with our deliberate outputs put back in the spec's
    terms (see the module's docstring)."""
    md, structure = make_markdown(has_title=True)
    out = md.convert(text)
    out = github.checkboxes(out)
    out = repair.raw_text_as_text(out, lambda message, needle: None)
    out = repair.repair(out, lambda message, needle: None)
    out = sanitize.clean(out)
    return _spec_terms(out, structure.structure.chapter_level - 1)


def _spec_terms(markup: str, shift: int) -> str:
    if not markup.strip():
        return ""
    root = lxml.html.fragment_fromstring(markup, create_parent="div")
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        classes = (element.get("class") or "").split()
        if element.tag == "section" and "rb-chapter" in classes:
            element.drop_tag()
            continue
        if element.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            element.attrib.pop("id", None)
            element.tag = f"h{int(element.tag[1]) + shift}"
        if element.tag == "span" and "task-box" in classes:
            box = etree.Element("input", {"disabled": "", "type": "checkbox"})
            if "task-done" in classes:
                box.set("checked", "")
            box.tail = element.tail
            element.getparent().replace(element, box)
            continue
        if element.tag in ("td", "th"):
            for name in classes:
                if name.startswith("align-"):
                    element.set("align", name[len("align-") :])
                    classes.remove(name)
        if element.tag == "figure" and len(element) and element[0].tag == "img":
            element.tag = "p"
            caption = element.find("figcaption")
            if caption is not None:
                element[0].set("title", caption.text_content())
                element.remove(caption)
        classes = [c for c in classes if c not in ("task-list", "task-list-item") and not c.startswith("magiclink")]
        if "class" in element.attrib:
            if classes:
                element.set("class", " ".join(classes))
            else:
                del element.attrib["class"]
    _typographers_quotes_back(root)
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag not in VOID and element.text is None and not len(element):
            element.text = ""  # lxml writes an empty <li> without its end tag otherwise
    inner = (root.text or "") + "".join(etree.tostring(child, encoding="unicode", method="html") for child in root)
    return inner


PUNCTUATION = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00ab": "<<", "\u00bb": ">>"}
)


def _plain_punctuation(text: str) -> str:
    return text.translate(PUNCTUATION).replace("\u2014", "---").replace("\u2013", "--").replace("\u2026", "...")


def _typographers_quotes_back(root: etree._Element) -> None:
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        code = any(a.tag in ("code", "pre") for a in element.iterancestors()) or element.tag in ("code", "pre")
        if element.text and not code:
            element.text = _plain_punctuation(element.text)
        if element.tail and not any(a.tag in ("code", "pre") for a in element.iterancestors()):
            element.tail = _plain_punctuation(element.tail)


# --- normalising, as the CommonMark spec runner does -------------------------------------------

BLOCK_TAGS = frozenset(
    [
        "article",
        "aside",
        "blockquote",
        "body",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "html",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)


class _Normaliser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.in_pre = 0

    def _tag(self, tag: str, attrs: Iterable[tuple[str, str | None]]) -> None:
        if tag in BLOCK_TAGS:
            self._strip_end()
        pairs = sorted((name.lower(), value or "") for name, value in attrs)
        self.parts.append(f"<{tag}" + "".join(f' {n}="{html.escape(v)}"' for n, v in pairs) + ">")
        if tag == "pre":
            self.in_pre += 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre":
            self.in_pre = max(0, self.in_pre - 1)
        if tag in BLOCK_TAGS and not self.in_pre:
            self._strip_end()
        self.parts.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if not self.in_pre:
            data = re.sub(r"\s+", " ", data)
            if self.parts and re.match(r"</?(\w+)", self.parts[-1] or "") and self._after_block():
                data = data.lstrip()
        self.parts.append(html.escape(data, quote=False))

    def handle_comment(self, data: str) -> None:
        self.parts.append(f"<!--{data}-->")

    def _after_block(self) -> bool:
        match = re.match(r"</?(\w+)", self.parts[-1])
        return match is not None and match.group(1) in BLOCK_TAGS

    def _strip_end(self) -> None:
        if self.parts and not self.in_pre and not self.parts[-1].startswith("<"):
            self.parts[-1] = self.parts[-1].rstrip()

    def result(self) -> str:
        return "".join(self.parts).strip()


def normalise(markup: str) -> str:
    """HTML in one canonical form: white space collapsed outside ``pre`` and dropped around block
    tags, attributes sorted and always quoted, no self-closing slashes, characters instead of
    references, the same characters always escaped."""
    parser = _Normaliser()
    parser.feed(markup)
    parser.close()
    return parser.result()


# --- running -----------------------------------------------------------------------------------


def deviations(path: Path = DEVIATIONS) -> dict[int, str]:
    """The examples we differ on deliberately: number to reason."""
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {int(entry["example"]): str(entry["reason"]) for entry in data.get("deviations") or []}


def run(spec: Path = SPEC, deviation_list: dict[int, str] | None = None) -> list[Result]:
    listed = deviations() if deviation_list is None else deviation_list
    results = []
    for example in examples(spec):
        try:
            ours = normalise(render(example.markdown))
        except Exception as exc:  # an example that breaks the set-up is a failure, shown as such
            ours = f"!! {type(exc).__name__}: {exc}"
        results.append(Result(example, ours, normalise(example.html), listed.get(example.number, "")))
    return results


@dataclass(frozen=True)
class SectionRate:
    section: str
    total: int
    passed: int
    deliberate: int  # failing examples listed as deliberate deviations

    @property
    def rate(self) -> float:
        """Passed among the examples we mean to render as the spec does."""
        counted = self.total - self.deliberate
        return self.passed / counted if counted else 1.0


def rates(results: list[Result]) -> list[SectionRate]:
    order: list[str] = []
    groups: dict[str, list[Result]] = {}
    for result in results:
        if result.example.section not in groups:
            order.append(result.example.section)
        groups.setdefault(result.example.section, []).append(result)
    return [
        SectionRate(
            name,
            len(groups[name]),
            sum(r.passed for r in groups[name]),
            sum(1 for r in groups[name] if not r.passed and r.deviation),
        )
        for name in order
    ]


def table(results: list[Result]) -> str:
    """The pass rate per section, as a Markdown table."""
    rows = ["| section | examples | pass | deliberate | rate | target |", "| --- | ---: | ---: | ---: | ---: | --- |"]
    for rate in rates(results):
        target = f"{TARGET_RATE:.0%}" if rate.section in TARGETS else ""
        rows.append(
            f"| {rate.section} | {rate.total} | {rate.passed} | {rate.deliberate or ''} | {rate.rate:.0%} | {target} |"
        )
    total = len(results)
    passed = sum(r.passed for r in results)
    deliberate = sum(1 for r in results if not r.passed and r.deviation)
    rows.append(f"| all | {total} | {passed} | {deliberate} | {passed / (total - deliberate):.0%} | |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--spec", type=Path, default=SPEC)
    parser.add_argument("--section", action="append", default=[], help="show this section's failing examples")
    parser.add_argument("--example", type=int, action="append", default=[], help="show this example")
    args = parser.parse_args(argv)
    if not args.spec.is_file():
        print(f"{args.spec}: not found (the GFM spec lives in ../shared/gfm)", file=sys.stderr)
        return 2
    results = run(args.spec)
    for result in results:
        shown = result.example.number in args.example
        shown = shown or (result.example.section in args.section and not result.passed and not result.deviation)
        if shown:
            print(f"--- example {result.example.number} ({result.example.section}), spec.txt:{result.example.line}")
            print(result.example.markdown.replace("\t", "\u2192"), end="")
            print(f"expected: {result.expected}\nours:     {result.ours}")
            if result.deviation:
                print(f"deliberate: {result.deviation}")
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
