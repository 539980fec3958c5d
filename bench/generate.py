"""Synthetic manuscripts for the benchmark: the default report's mix, at any length.

Everything is derived from a seeded ``random.Random``: the same seed and page target give
byte-identical files (manuscript, changelog, SVG figures). The prose is filler made from a
small neutral word list, so nobody mistakes it for real text.

The mix per chapter follows ``manuscript/report.md`` (39 pages, 9 chapters): about four
sections, a subsection now and then, one or two footnotes, a table every third chapter
(caption in a ``Table:`` line above it), a figure every fourth (an SVG written beside the
manuscript), callouts (``!!! note``, ``!!! example``, ``!!! quote ""``), bulleted and numbered
lists, and a closing glossary (a definition list) with abbreviations.

    python bench/generate.py 100 /tmp/m100     # writes /tmp/m100/report.md, changelog.yaml, images/
"""

from __future__ import annotations

import hashlib
import random
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

# Calibration (bench/run.py --calibrate): PDF pages ~= FIXED_PAGES + PAGES_PER_CHAPTER * chapters
# for A4 and the default theme. Measured on the generated manuscripts themselves.
FIXED_PAGES = 3.0
PAGES_PER_CHAPTER = 4.7

_WORD_LIST = (
    "alpha beta gamma delta sample filler record measure field table index value level "
    "series method result source region network service group plan report review note "
    "entry figure column stage round period share unit item term scale range point line "
    "block model pattern signal output input option factor average total section detail "
    "summary outline process system channel module format layer marker example"
)
WORDS = tuple(_WORD_LIST.split(" "))
SHORT = ("and", "or", "of", "to", "in", "on", "for", "with", "by", "the", "a", "as", "at", "from")
ABBREVIATIONS = {"SMP": "sample measure protocol", "FLR": "filler layout record"}


@dataclass(frozen=True)
class Manifest:
    """What a generated manuscript contains (what ``report_build.load`` should find)."""

    path: Path
    chapters: int
    sections: int
    footnotes: int
    tables: int
    figures: int
    callouts: int


def chapters_for(pages: int) -> int:
    """Chapters (including the closing glossary) for about ``pages`` PDF pages."""
    return max(2, round((pages - FIXED_PAGES) / PAGES_PER_CHAPTER))


class _Writer:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.notes: list[tuple[str, str]] = []
        self.tables = 0
        self.figures = 0
        self.callouts = 0
        self.sections = 0
        self.svgs: dict[str, str] = {}
        self.headings: set[str] = set()

    # -- prose ---------------------------------------------------------------------------

    def words(self, low: int, high: int) -> list[str]:
        rng = self.rng
        out = []
        for _ in range(rng.randint(low, high)):
            out.append(rng.choice(SHORT) if rng.random() < 0.28 else rng.choice(WORDS))
        return out

    def title(self, low: int = 2, high: int = 5) -> str:
        text = " ".join(w for w in self.words(low, high) if w not in SHORT) or self.rng.choice(WORDS)
        return text[0].upper() + text[1:]

    def heading(self, low: int, high: int) -> str:
        """A title no other heading has (so that the derived ids do not clash)."""
        while True:
            text = self.title(low, high)
            if text.lower() not in self.headings:
                self.headings.add(text.lower())
                return text

    def sentence(self, decorate: bool = True) -> str:
        rng = self.rng
        words = self.words(8, 22)
        if decorate and rng.random() < 0.08:
            i = rng.randrange(len(words))
            words[i] = f"*{words[i]}*"
        if decorate and rng.random() < 0.04:
            i = rng.randrange(len(words))
            words[i] = f"**{words[i]}**"
        if decorate and rng.random() < 0.03:
            words.insert(rng.randrange(len(words)), rng.choice(tuple(ABBREVIATIONS)))
        if rng.random() < 0.25:
            cut = rng.randrange(3, len(words) - 2)
            words[cut] += ","
        text = " ".join(words)
        first = next(i for i, ch in enumerate(text) if ch.isalpha())
        return text[:first] + text[first].upper() + text[first + 1 :] + "."

    def paragraph(self, low: int = 3, high: int = 7, note: bool = False) -> str:
        sentences = [self.sentence() for _ in range(self.rng.randint(low, high))]
        if note:
            label = f"n{len(self.notes) + 1}"
            self.notes.append((label, " ".join(self.sentence(False) for _ in range(self.rng.randint(1, 2)))))
            at = self.rng.randrange(len(sentences))
            sentences[at] = sentences[at][:-1] + f".[^{label}]"
        return " ".join(sentences)

    # -- blocks --------------------------------------------------------------------------

    def table(self) -> str:
        rng = self.rng
        self.tables += 1
        rows = rng.randint(3, 6)
        lines = [
            f"Table: Synthetic table {self.tables}: {self.title(3, 6).lower()}",
            "",
            "| Item | Group | Description | Value |",
            "|:-----|:------|:------------|------:|",
        ]
        for row in range(rows):
            description = " ".join(self.words(4, 10))
            lines.append(f"| {row + 1} | {self.title(1, 2)} | {description} | {rng.randint(10, 99_999):,} |")
        return "\n".join(lines)

    def figure(self) -> str:
        rng = self.rng
        self.figures += 1
        name = f"images/figure-{self.figures:03d}.svg"
        values = [rng.randint(5, 100) for _ in range(rng.randint(3, 5))]
        self.svgs[name] = _svg(self.figures, values)
        alt = (
            f"Synthetic bar chart with {len(values)} horizontal bars, values "
            + ", ".join(str(v) for v in values)
            + " on a scale from 0 to 100."
        )
        return f'![{alt}]({name} "Synthetic figure {self.figures}: {self.title(3, 6).lower()}")'

    def callout(self, kind: str) -> str:
        self.callouts += 1
        if kind == "quote":
            return '!!! quote ""\n    ' + self.sentence(False)
        title = "Illustrative passage" if kind == "example" else self.title(2, 4)
        body = "\n\n".join("    " + self.paragraph(2, 4) for _ in range(self.rng.randint(1, 2)))
        return f'!!! {kind} "{title}"\n{body}'

    def bullets(self, numbered: bool) -> str:
        items = []
        for i in range(self.rng.randint(3, 6)):
            marker = f"{i + 1}." if numbered else "-"
            items.append(f"{marker} **{self.title(1, 3)}.** " + " ".join(self.sentence() for _ in range(2)))
        return "\n".join(items)

    def chapter(self, index: int) -> str:
        rng = self.rng
        blocks = [f"# {self.heading(2, 5)} {{#chapter-{index + 1}}}", self.paragraph(3, 6)]
        sections = rng.choice((3, 4, 4, 5))
        for s in range(sections):
            self.sections += 1
            blocks.append(f"## {self.heading(2, 5)}")
            blocks.append(self.paragraph(note=s == 0 or (s == 2 and index % 2 == 0)))
            blocks.append(self.paragraph())
            if s == 1:
                blocks.append(self.bullets(numbered=index % 2 == 1))
                blocks.append(self.paragraph())
            if s == 1 and index % 3 == 0:
                blocks.append(self.table())
                blocks.append(self.paragraph())
            if s == 2 and index % 4 == 1:
                blocks.append(self.figure())
                blocks.append(self.paragraph())
            if s == 0:
                blocks.append(self.callout(("note", "example", "note")[index % 3]))
            if s == 2 and index % 3 == 0:
                blocks.append(self.callout("quote"))
            if s == sections - 1 and index % 3 == 2:
                for _ in range(2):
                    blocks.append(f"### {self.heading(2, 4)}")
                    blocks.append(self.paragraph())
            blocks.append(self.paragraph())
        return "\n\n".join(blocks)

    def glossary(self, index: int) -> str:
        blocks = [f"# Glossary {{#chapter-{index + 1}}}", self.paragraph(2, 3)]
        for _ in range(8):
            blocks.append(f"{self.title(1, 3)}\n:   {self.sentence(False)}")
        return "\n\n".join(blocks)


def _svg(number: int, values: list[int]) -> str:
    height = 80 + 50 * len(values)
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="600" height="{height}" '
        f'viewBox="0 0 600 {height}">',
        f"  <title>Synthetic figure {number}</title>",
        f"  <desc>Synthetic bar chart with values {', '.join(map(str, values))} (benchmark filler).</desc>",
        f'  <rect x="0" y="0" width="600" height="{height}" fill="#ffffff"/>',
        f'  <text x="30" y="38" font-family="Inter, sans-serif" font-size="17" font-weight="600" '
        f'fill="#333333">Synthetic figure {number}</text>',
    ]
    for i, value in enumerate(values):
        y = 60 + 50 * i
        fill = "#A8221B" if i == 0 else "#d9d9d9"
        parts.append(
            f'  <text x="30" y="{y + 12}" font-family="Inter, sans-serif" font-size="13" '
            f'fill="#333333">Series {i + 1}</text>'
        )
        parts.append(f'  <rect x="30" y="{y + 18}" width="{value * 5}" height="24" fill="{fill}"/>')
        parts.append(
            f'  <text x="{value * 5 + 40}" y="{y + 36}" font-family="Inter, sans-serif" font-size="13" '
            f'fill="#333333">{value}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


CHANGELOG = """\
# Synthetic changelog for the benchmark manuscript.
releases:
  - version: "2.0"
    date: 2024-03-01
    summary: "Synthetic second release."
    notice: >-
      This is a synthetic benchmark manuscript made of filler text. It has a dated
      update notice so that the layout includes one, like the default report.
    changes:
      - "Synthetic change one."
      - "Synthetic change two."
  - version: "1.0"
    date: 2023-01-15
    summary: "Synthetic first release."
"""


def render(pages: int, seed: int = 7) -> tuple[dict[str, str], Manifest]:
    """The files of a manuscript of about ``pages`` PDF pages: {relative path: text}, manifest."""
    writer = _Writer(seed * 1_000_003 + pages)
    chapters = chapters_for(pages)
    ident = uuid.UUID(bytes=hashlib.sha256(f"bench-{seed}-{pages}".encode()).digest()[:16], version=4)
    front = [
        "---",
        f'title: "Synthetic benchmark report, {pages} pages"',
        'subtitle: "Filler text for timing report-build"',
        "authors:",
        '  - "report-build benchmark"',
        'publisher: "report-build benchmark"',
        "language: en-GB",
        f'identifier: "urn:uuid:{ident}"',
        'description: "A synthetic manuscript generated by bench/generate.py; its prose is filler."',
        "keywords: [benchmark, synthetic]",
        'rights: "Synthetic text, no rights reserved."',
        "page_size: A4",
        "---",
        "",
    ]
    body = [writer.chapter(i) for i in range(chapters - 1)]
    body.append(writer.glossary(chapters - 1))
    notes = "\n".join(f"[^{label}]: {text}" for label, text in writer.notes)
    abbreviations = "\n".join(f"*[{short}]: {long}" for short, long in ABBREVIATIONS.items())
    text = "\n".join(front) + "\n\n".join(body) + "\n\n" + notes + "\n\n" + abbreviations + "\n"
    files = {"report.md": text, "changelog.yaml": CHANGELOG, **writer.svgs}
    manifest = Manifest(
        path=Path("report.md"),
        chapters=chapters,
        sections=writer.sections,
        footnotes=len(writer.notes),
        tables=writer.tables,
        figures=writer.figures,
        callouts=writer.callouts,
    )
    return files, manifest


def generate(pages: int, folder: Path | str, seed: int = 7) -> Manifest:
    """Write a manuscript of about ``pages`` PDF pages into ``folder``; return what it contains."""
    folder = Path(folder)
    files, manifest = render(pages, seed)
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    return Manifest(folder / manifest.path, *(getattr(manifest, f) for f in _COUNTS))


_COUNTS = ("chapters", "sections", "footnotes", "tables", "figures", "callouts")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit("usage: generate.py PAGES FOLDER [SEED]")
    print(generate(int(sys.argv[1]), sys.argv[2], *(int(a) for a in sys.argv[3:4])).path)
