"""The language switch: other editions of the report built beside this one.

Editions built together share one folder: the first at its root (``output/web/``), the others
in sub-folders (``output/web/ar/``), each marked by its ``site.json`` (see :mod:`.folder`).
A build links every other edition it finds there, by a relative link, so the switch works
wherever the whole folder is published. An edition built before the others exist links them
when it is built again (``make all-editions`` does).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from .folder import MARKER
from .site import Edition


def _read(folder: Path) -> dict[str, str] | None:
    try:
        data = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("generator") == "report-build" else None


def find(target: Path, language: str) -> tuple[Edition, ...]:
    """Every other edition in ``target``'s family of folders, by language."""
    target = Path(target).resolve()
    root = target.parent if _read(target.parent) is not None else target
    candidates = [root, *sorted(child for child in root.iterdir() if child.is_dir())] if root.is_dir() else []
    found: dict[str, Edition] = {}
    for folder in candidates:
        if folder == target:
            continue
        data = _read(folder)
        if data is None or not data.get("language") or data["language"] == language:
            continue
        href = Path(os.path.relpath(folder / "index.html", target)).as_posix()
        label = str(data.get("language_name") or data["language"])
        found.setdefault(data["language"], Edition(data["language"], label, href))
    return tuple(found[key] for key in sorted(found))
