"""Limits that keep a bad or hostile manuscript from hanging or crashing a build.

- :func:`time_limit` stops a build that runs longer than it should (10 minutes by default;
  ``--time-limit SECONDS`` or ``REPORT_BUILD_TIME_LIMIT``; ``0`` means no limit).
- The nesting limits stop documents nested so deeply (lists, quotes, emphasis, raw HTML,
  YAML) that Python-Markdown, PyYAML or WeasyPrint would run out of stack: they are refused
  with the line where the nesting goes too deep, before anything recurses on them.
"""

from __future__ import annotations

import os
import re
import signal
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from .errors import RenderError, ReportBuildError

DEFAULT_TIME_LIMIT = 600.0  # seconds; a long report renders in well under a minute
TIME_LIMIT_ENV = "REPORT_BUILD_TIME_LIMIT"

# Element nesting in the parsed body. Real reports stay under 20 (a list six levels deep
# with emphasis and a link inside); WeasyPrint's layout recursion gives out at about 140.
MAX_NESTING = 48
# Block nesting in the Markdown source: list levels (4 columns of indentation each) plus
# quote markers. Python-Markdown's block parser recurses once per level.
MAX_BLOCK_NESTING = 32
# Nesting of lists and mappings in the YAML front matter (PyYAML's composer recurses).
MAX_YAML_NESTING = 16


# -- time -----------------------------------------------------------------------------


class TimeUp(BaseException):
    """Raised by the alarm inside the limited block. A BaseException so that the
    ``except Exception`` blocks of the libraries we call cannot swallow it."""


def time_limit_from(value: str | float | int | None = None, environ: dict[str, str] | None = None) -> float | None:
    """The time limit in seconds from ``--time-limit`` or the environment; None for no limit."""
    environ = os.environ if environ is None else environ
    source = "--time-limit"
    if value is None:
        value = environ.get(TIME_LIMIT_ENV)
        source = TIME_LIMIT_ENV
    if value is None or (isinstance(value, str) and not value.strip()):
        return DEFAULT_TIME_LIMIT
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise ReportBuildError(f"{source} must be a number of seconds (0 for no limit), not '{value}'") from None
    if seconds != seconds or seconds < 0:  # NaN or negative
        raise ReportBuildError(f"{source} must be a number of seconds (0 for no limit), not '{value}'")
    return None if seconds == 0 or seconds == float("inf") else seconds


def _seconds(value: float) -> str:
    return f"{value:g}"


@contextmanager
def time_limit(seconds: float | None, what: str = "the build", path: object = None) -> Iterator[None]:
    """Raise :class:`RenderError` if the block runs longer than ``seconds``.

    ``path`` (the manuscript) is what the message names. Uses SIGALRM, so it works in the
    main thread of a POSIX process; elsewhere (another
    thread, Windows) the block runs without a limit. The alarm repeats every second
    after the first, so a library that catches the first interruption gets another one.
    """
    usable = (
        seconds is not None
        and seconds > 0
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return
    state = {"active": True}

    def alarm(signum: int, frame: object) -> None:
        if state["active"]:
            raise TimeUp()

    previous_handler = signal.signal(signal.SIGALRM, alarm)
    previous_delay, previous_interval = 0.0, 0.0
    try:
        previous_delay, previous_interval = signal.setitimer(signal.ITIMER_REAL, seconds, 1.0)
        yield
    except TimeUp:
        state["active"] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        raise RenderError(
            f"{what} took longer than {_seconds(seconds)} s and was stopped; "
            f"raise the limit with --time-limit SECONDS or {TIME_LIMIT_ENV} (0 for no limit)",
            path,  # type: ignore[arg-type]
        ) from None
    finally:
        state["active"] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous_handler)
        if previous_delay:  # an outer limit was running: give it back what is left of it
            signal.setitimer(signal.ITIMER_REAL, previous_delay, previous_interval)


# -- nesting ---------------------------------------------------------------------------

QUOTE_PREFIX = re.compile(r"^[ \t]*((?:>[ \t]?)+)")


def block_nesting(line: str) -> int:
    """How many blocks deep a Markdown source line sits: list levels plus quote markers."""
    quotes = QUOTE_PREFIX.match(line)
    depth = quotes.group(1).count(">") if quotes else 0
    rest = line[quotes.end() :] if quotes else line
    columns = 0
    for char in rest:
        if char == " ":
            columns += 1
        elif char == "\t":
            columns += 4 - columns % 4
        else:
            break
    else:  # a blank line nests nothing
        return depth
    return depth + columns // 4


def too_deep_source(lines: Iterable[str], first_line: int, skip: frozenset[int]) -> tuple[int, int] | None:
    """(file line, depth) of the first source line nested deeper than :data:`MAX_BLOCK_NESTING`."""
    for number, line in enumerate(lines, first_line):
        if number in skip:
            continue
        depth = block_nesting(line)
        if depth > MAX_BLOCK_NESTING:
            return number, depth
    return None


def deepest(root: object) -> tuple[int, object]:
    """(depth, element) of the most deeply nested element, without recursion.

    Works for ElementTree and lxml elements alike (anything iterable over its children).
    """
    best_depth, best = 0, root
    stack = [(root, 0)]
    while stack:
        element, depth = stack.pop()
        if depth > best_depth:
            best_depth, best = depth, element
        stack.extend((child, depth + 1) for child in element)  # type: ignore[attr-defined]
    return best_depth, best


def nesting_message(depth: int | None = None, source: bool = False) -> str:
    """The message for a document nested too deeply: in the source (lists and quotes, counted
    by indentation and '>' markers) or in the parsed document (elements inside elements)."""
    shown = f" ({depth} levels)" if depth else ""
    if source:
        return (
            f"nested too deeply{shown}: lists and quotes may nest at most {MAX_BLOCK_NESTING} levels "
            "(4 spaces of indentation or one '>' each); flatten the structure"
        )
    return (
        f"nested too deeply{shown}: lists, quotes, emphasis and HTML may nest at most "
        f"{MAX_NESTING} elements deep; flatten the structure"
    )
