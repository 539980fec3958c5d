"""The syntax of other tools, each dialect in a module of its own, registered by name.

Documents come from MkDocs (Material), Docusaurus (MDX), Jupyter Book (MyST), Hugo, bookdown
(R Markdown), GitLab, Obsidian, GitBook, VuePress and HackMD. Each dialect reads its tool's syntax as that tool's
reader does and turns it into what the rest of the pipeline already reads (callouts, figures,
footnotes, references), so that nothing downstream knows which tool wrote the text. A dialect has up to two parts:

- a *line pass*, ``lines(numbered, context)``, run on each file's lines while the manuscript is
  composed (:mod:`..compose`), before conditions, includes and variables: block syntax (a Hugo
  shortcode, a Docusaurus admonition, a MyST directive, an R chunk) becomes Markdown or raw HTML.
  It may add or remove lines; every line it returns carries the number of the file line it came
  from, so every message still names ``file:line``;
- a *Markdown extension* (or a list of them), ``extension(context)``, registered on the Python-Markdown instance
  (:mod:`..extensions`): inline syntax, and what Python-Markdown libraries read
  (pymdown-extensions' content tabs and collapsible admonitions).

The front matter's ``dialects:`` names the dialects a manuscript uses (all by default);
``dialects: []`` switches them all off. :func:`markup` holds the few pieces of raw HTML the line
passes write (:mod:`.common`), so that tab passages and callouts look the same whichever tool they came
from.

Invariant: no line pass touches fenced code, except to read a tool's own fence (a MyST directive,
an R chunk); the text of a construct is kept, never dropped, unless the tool itself never shows it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from . import bookdown, docusaurus, gitbook, gitlab, hackmd, hugo, mkdocs, myst, obsidian, pandoc_markdown, vuepress
from .common import FileContext, Numbered

MODULES = {
    "hugo": hugo,
    "gitbook": gitbook,
    "vuepress": vuepress,
    "hackmd": hackmd,
    "docusaurus": docusaurus,
    "bookdown": bookdown,
    "obsidian": obsidian,
    "myst": myst,
    "mkdocs": mkdocs,
    "gitlab": gitlab,
}
"""Every dialect by name, in the order their line passes run: Hugo's shortcodes may wrap
anything, so they go first; VuePress's ``::: details`` and HackMD's ``:::spoiler`` before a Docusaurus admonition's
``:::`` could take its closing line; an R chunk (```` ```{r} ````) is read before a MyST directive
(```` ```{note} ````) could be; Obsidian's ``%%`` comments before MyST's ``%`` comment lines take
their lines."""

NAMES = tuple(MODULES)


def enabled(value: Any) -> tuple[str, ...]:
    """The dialects a front-matter ``dialects:`` value names; all when it is missing or not a list
    of known names (the front matter check reports a wrong value)."""
    if value is None:
        return NAMES
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    if not isinstance(value, list) or not all(isinstance(item, str) and item in MODULES for item in value):
        return NAMES
    return tuple(name for name in NAMES if name in value)


def line_passes(names: Iterable[str], numbered: Numbered, context: FileContext) -> Numbered:
    """The file's lines after the line pass of each dialect named, in :data:`NAMES` order."""
    chosen = set(names)
    for name, module in MODULES.items():
        if name in chosen and hasattr(module, "lines"):
            numbered = module.lines(numbered, context)
    return numbered


def pandoc_family(names: Iterable[str], path: Path, front: dict[str, Any]) -> bool:
    """Whether the manuscript is read as pandoc reads it where pandoc and GitHub differ (``~x~``):
    with the bookdown dialect on, a document of the pandoc family (:func:`.pandoc_markdown.is_pandoc`)."""
    return "bookdown" in set(names) and pandoc_markdown.is_pandoc(path, front)


def extensions(
    names: Iterable[str], path: Path, warn: Callable[[str, str], None], lines: Sequence[str] = ()
) -> list[Any]:
    """The Python-Markdown extensions of the dialects named, for the text of ``lines`` (an
    extension only some texts need is left out of the others); ``warn(message, text)`` reports a
    fault at the line where ``text`` is written."""
    chosen = set(names)
    found: list[Any] = []
    for name, module in MODULES.items():
        if name in chosen and hasattr(module, "extension"):
            made = module.extension(path, warn, lines)
            found.extend(made if isinstance(made, list) else [made])
    return found


__all__ = ["NAMES", "FileContext", "Numbered", "enabled", "extensions", "line_passes", "pandoc_family"]
