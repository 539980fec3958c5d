"""Fenced code with a title in its header, as MkDocs Material and Docusaurus write it.

```` ```ts title="app/store.ts" ```` names the file the code is from. pymdownx.superfences reads
the fence (:mod:`.github`); the title becomes a line above the code, ``<p class="code-title">``,
and the code itself is what :func:`.github.code_block` writes. Other options of the header are
attributes of the code, as superfences makes them.
"""

from __future__ import annotations

import html
from typing import Any

from ..contract import CODE_TITLE
from .github import code_block


def titled_code_block(
    source: str, language: str, class_name: str, options: dict[str, Any], md: Any, **kwargs: Any
) -> str:
    """A fenced code block, with its title above it when the header gives one."""
    block = code_block(source, language, class_name, options, md, **kwargs)
    title = str(options.get("title", "")).strip()
    if title:
        block = f'<p class="{CODE_TITLE}">{html.escape(title, quote=False)}</p>\n{block}'
    return block


def keep_title(language: str, inputs: dict[str, str], options: dict[str, Any], attrs: dict[str, Any], md: Any) -> bool:
    """Every fence is code; its header's ``title="…"`` is kept for :func:`titled_code_block`, any
    other ``key="value"`` becomes an attribute, as superfences' own validator makes it."""
    for key, value in inputs.items():
        (options if key == "title" else attrs)[key] = value
    return True


FENCES = [{"name": "*", "class": "", "format": titled_code_block, "validator": keep_title}]
"""pymdownx.superfences' catch-all fence: every language's code, with its title."""
