"""`report-build watch`: rebuild whenever the manuscript, its images or the layouts change."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from .build import build
from .errors import Diagnostics, ReportBuildError
from .theme import default_layouts

IGNORED_SUFFIXES = (".part", ".swp", "~", ".tmp")


def watched_folders(manuscript: Path) -> list[Path]:
    folders = [manuscript.resolve().parent, default_layouts()]
    return [folder for folder in dict.fromkeys(folders) if folder.is_dir()]


def relevant(paths: Iterable[str], output_dir: Path) -> list[str]:
    output = output_dir.resolve()
    keep = []
    for name in paths:
        path = Path(name).resolve()
        if path.is_relative_to(output) or path.name.startswith(".") or path.name.endswith(IGNORED_SUFFIXES):
            continue
        keep.append(name)
    return keep


def rebuild(
    manuscript: Path, formats: tuple[str, ...], output_dir: Path, say: Callable[[str], None], omit_remote: bool = False
) -> bool:
    started = time.monotonic()
    try:
        results = build(manuscript, formats, output_dir=output_dir, diagnostics=Diagnostics(), omit_remote=omit_remote)
    except ReportBuildError as exc:
        say(str(exc))
        return False
    took = time.monotonic() - started
    say(f"rebuilt {', '.join(str(r.path) for r in results)} in {took:.1f} s")
    return True


def watch(
    manuscript: Path,
    formats: tuple[str, ...] = ("pdf",),
    output_dir: Path = Path("output"),
    max_rebuilds: int | None = None,
    say: Callable[[str], None] | None = None,
    omit_remote: bool = False,
) -> int:
    """Build once, then again on every change; stop after ``max_rebuilds`` changes (for tests) or Ctrl-C."""
    from watchfiles import watch as changes

    say = say or (lambda text: print(text, file=sys.stderr, flush=True))
    folders = watched_folders(manuscript)
    rebuild(manuscript, formats, output_dir, say, omit_remote)
    say(f"watching {', '.join(str(f) for f in folders)} (Ctrl-C to stop)")
    count = 0
    try:
        for batch in changes(*folders, debounce=300, step=50, rust_timeout=0, yield_on_timeout=False):
            names = relevant((name for _change, name in batch), output_dir)
            if not names:
                continue
            say(f"changed: {', '.join(sorted(Path(n).name for n in names))}")
            rebuild(manuscript, formats, output_dir, say, omit_remote)
            count += 1
            if max_rebuilds is not None and count >= max_rebuilds:
                break
    except KeyboardInterrupt:
        pass
    return 0
