"""Writing the site: the whole folder appears at once, or the old one stays as it was.

The files are written to a staging folder beside the target, then the old folder is renamed
away and the new one into its place. Only a folder that is empty or that an earlier web build
made (it holds ``site.json``) is ever replaced, so ``-o`` cannot wipe out anything else.
Other editions' sites built inside it (``ar/`` in ``web/``) are carried over.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from ... import output
from ...errors import RenderError

MARKER = "site.json"


def site_marker(language: str, language_name: str, title: str, version: str) -> bytes:
    """``site.json``: what the folder holds, for the next build and for the other editions."""
    data = {
        "generator": "report-build",
        "language": language,
        "language_name": language_name,
        "title": title,
        "version": version,
    }
    return (json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode("utf-8")


def is_site(folder: Path) -> bool:
    return (folder / MARKER).is_file()


def write_site(target: Path, files: dict[str, bytes]) -> Path:
    """Replace ``target`` with a folder holding ``files`` ({relative POSIX path: bytes})."""
    if output._interrupted is not None:
        raise output.Interrupted(output._interrupted)
    target = Path(target)
    if target.exists() and not target.is_dir():
        raise RenderError("is a file; the web edition needs a folder, such as -o output/web", target)
    if target.is_dir() and any(target.iterdir()) and not is_site(target):
        raise RenderError(
            "is not empty and was not made by a web build; choose a new or empty folder for the web edition", target
        )
    parent = target.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".part", dir=parent))
    except OSError as exc:
        raise RenderError(f"cannot write the web edition: {exc.strerror}", target) from None
    old = None
    try:
        for name, data in files.items():
            path = staging / name
            if ".." in Path(name).parts or Path(name).is_absolute():
                raise RenderError(f"web: refusing to write '{name}' outside the site folder", target)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            os.chmod(path, 0o644)
        for folder in sorted(staging.rglob("*")):
            if folder.is_dir():
                os.chmod(folder, 0o755)
        os.chmod(staging, 0o755)
        if target.is_dir():
            top = {Path(name).parts[0] for name in files}
            for child in target.iterdir():
                if child.is_dir() and child.name not in top and is_site(child):
                    shutil.copytree(child, staging / child.name)  # another edition, built into this one
            old = parent / f".{target.name}.old-{os.getpid()}"
            os.rename(target, old)
        if output._interrupted is not None:
            raise output.Interrupted(output._interrupted)
        os.rename(staging, target)
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if old is not None and not target.exists():
            os.rename(old, target)
            old = None
        if isinstance(exc, OSError):
            raise RenderError(f"cannot write the web edition: {exc.strerror}", target) from None
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    return target
