"""`report-build watch`: rebuild whenever the manuscript, its images or the layouts change."""

from __future__ import annotations

import gc
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from .build import build
from .errors import Diagnostics, ReportBuildError
from .source.extensions import warm_up
from .theme import default_layouts

if TYPE_CHECKING:
    from .writers.pdf.parallel import Memory

IGNORED_SUFFIXES = (".part", ".swp", "~", ".tmp")
WATCH_GROUPS = 24  # groups kept between builds: one per chapter up to 24 chapters, so an edit lays out little


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
    manuscript: Path,
    formats: tuple[str, ...],
    output_dir: Path,
    say: Callable[[str], None],
    omit_remote: bool = False,
    jobs: int = 1,
    memory: Memory | None = None,
    site_root: Path | None = None,
) -> bool:
    """One build; with ``memory``, chapters whose layout inputs did not change are not laid out again."""
    started = time.monotonic()
    diagnostics = Diagnostics()
    try:
        results = build(
            manuscript,
            formats,
            output_dir=output_dir,
            diagnostics=diagnostics,
            omit_remote=omit_remote,
            jobs=jobs,
            memory=memory,
            site_root=site_root,
        )
    except ReportBuildError as exc:
        say(str(exc))
        return False
    took = time.monotonic() - started
    for note in diagnostics.notes:
        say(note)
    say(f"rebuilt {', '.join(str(r.path) for r in results)} in {took:.1f} s")
    return True


def prepare_rebuilds() -> None:
    """What the watch does after its first build, while the author has not yet saved an edit,
    so that the first rebuild is as fast as the next: it loads the Markdown reader, which a
    first build that took every chapter from the cache never needed (the layout is made ready
    by the first build itself: :data:`WATCH_GROUPS`, :class:`~.writers.pdf.parallel.Memory`).

    Then it sets aside from the garbage collector what the process holds from now on (modules,
    fonts, caches, the kept layouts): a full collection, which an edit's layout sets off now
    and then, no longer walks them (8 ms of every rebuild at 100 pages). What the first build
    leaves in cycles is collected first; what is set aside and later dropped is freed when
    nothing refers to it, unless it is part of a cycle (a test finds none in a watch's edits).
    The layout's workers leave it so (:class:`~.workers.Workers`)."""
    warm_up()
    gc.collect()
    gc.freeze()


def watch(
    manuscript: Path,
    formats: tuple[str, ...] = ("pdf",),
    output_dir: Path = Path("output"),
    max_rebuilds: int | None = None,
    say: Callable[[str], None] | None = None,
    omit_remote: bool = False,
    jobs: int = 1,
    site_root: Path | None = None,
) -> int:
    """Build once, then again on every change; stop after ``max_rebuilds`` changes (for tests) or Ctrl-C.

    The PDF is laid out in groups of chapters (:data:`WATCH_GROUPS` at most, by ``jobs``
    processes), kept in memory from one build to the next: after an edit, only the groups whose
    input changed are laid out again, and the groups after them when page numbers moved."""
    from watchfiles import watch as changes

    from .writers.pdf.parallel import Memory

    say = say or (lambda text: print(text, file=sys.stderr, flush=True))
    folders = watched_folders(manuscript)
    memory = Memory(groups=max(jobs, WATCH_GROUPS)) if "pdf" in formats or "epub" in formats else None
    rebuild(manuscript, formats, output_dir, say, omit_remote, jobs, memory, site_root)
    prepare_rebuilds()
    say(f"watching {', '.join(str(f) for f in folders)} (Ctrl-C to stop)")
    count = 0
    try:
        for batch in changes(*folders, debounce=300, step=50, rust_timeout=0, yield_on_timeout=False):
            names = relevant((name for _change, name in batch), output_dir)
            if not names:
                continue
            say(f"changed: {', '.join(sorted(Path(n).name for n in names))}")
            rebuild(manuscript, formats, output_dir, say, omit_remote, jobs, memory, site_root)
            count += 1
            if max_rebuilds is not None and count >= max_rebuilds:
                break
    except KeyboardInterrupt:
        pass
    return 0
