"""A small manuscript with every kind of unit, and catalogs filled the way a translator would."""

from __future__ import annotations

import json
from pathlib import Path

import polib

REPORT = """---
title: "Water for Idlib"
subtitle: "A test of translated editions"
description: "A short report, written for the tests."
keywords: [water, Idlib]
language: en
languages: [en, fr]
bibliography: sources.json
---

# Access to water {#water}

Displaced *people* since {{< var offensive.date >}}, see [the map](#map) and @fig-map.[^note] \
As @smith2020 says, and [@smith2020, p. 3].

- First item with `make pdf` in it.
- Second item.

Table: Wells by district {#tbl-wells}

| District | Wells |
|---|---:|
| North | 12 |

![A map of the wells](map.svg "Wells in the north"){#fig-map}

!!! note "Read this first"
    A callout body.

Term
:   Its definition.

## The map {#map}

Closing paragraph.

Another paragraph that stays.

[^note]: A footnote with *emphasis*.
"""

CHANGELOG = """releases:
  - version: "1.0"
    date: 2020-02-24
    summary: First publication.
    notice: >-
      Since December, wells have run dry.
    changes:
      - Added the map.
"""

VARIABLES = 'offensive:\n  date: "February 2020"\n'

SOURCES = [
    {
        "id": "smith2020",
        "type": "report",
        "title": "Wells",
        "author": [{"family": "Smith"}],
        "issued": {"date-parts": [[2020]]},
    }
]

MAP = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20" viewBox="0 0 40 20">'
    '<rect width="40" height="20" fill="#5f5f5f"/></svg>\n'
)

# What a French translator writes: placeholders moved about (the footnote call and the
# cross-reference first, the link before the emphasis), the citations swapped.
PARAGRAPH = (
    "Displaced {0}people{/0} since {var:offensive.date}, see {1}the map{/1} and {ref:fig-map}.{fn:note} "
    "As {cite:smith2020} says, and {cite:smith2020~2}."
)
REORDERED = (
    "{fn:note}Voir {ref:fig-map} et {1}la carte{/1} : des {0}personnes{/0} déplacées depuis "
    "{var:offensive.date}, d’après {cite:smith2020~2} et {cite:smith2020}."
)


def write_report(folder: Path, report: str = REPORT) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.md").write_text(report, encoding="utf-8")
    (folder / "changelog.yaml").write_text(CHANGELOG, encoding="utf-8")
    (folder / "variables.yaml").write_text(VARIABLES, encoding="utf-8")
    (folder / "sources.json").write_text(json.dumps(SOURCES), encoding="utf-8")
    (folder / "map.svg").write_text(MAP, encoding="utf-8")
    return folder / "report.md"


def french(msgid: str) -> str:
    """A stand-in French translation that keeps every placeholder where it was."""
    return REORDERED if msgid == PARAGRAPH else f"FR {msgid}"


def fill(catalog: Path, translate=french, leave: tuple[str, ...] = ()) -> polib.POFile:
    """Translate every entry of ``catalog`` but those whose msgid starts with one of ``leave``."""
    po = polib.pofile(str(catalog))
    for entry in po:
        if not entry.msgid.startswith(leave):
            entry.msgstr = translate(entry.msgid)
    po.save()
    return po
