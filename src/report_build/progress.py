"""Progress on a terminal: the build's stage and the pages laid out so far. Silent otherwise."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO


class _Line(logging.Handler):
    """Rewrites one status line on the terminal from WeasyPrint's progress messages."""

    def __init__(self, stream: TextIO):
        super().__init__(logging.INFO)
        self.stream = stream
        self.started = time.monotonic()

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        stage = message.split(" - ", 1)[-1]
        self.stream.write(f"\r\033[K  {stage} ({time.monotonic() - self.started:.1f} s)")
        self.stream.flush()


@contextmanager
def shown(what: str, stream: TextIO | None = None, enabled: bool | None = None) -> Iterator[None]:
    """Show progress while the block runs, only when ``stream`` is a terminal."""
    stream = stream or sys.stderr
    if enabled is None:
        enabled = stream.isatty()
    if not enabled:
        yield
        return
    logger = logging.getLogger("weasyprint.progress")
    handler = _Line(stream)
    previous = (logger.level, logger.propagate)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    stream.write(f"  {what}")
    stream.flush()
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous[0])
        logger.propagate = previous[1]
        stream.write("\r\033[K")
        stream.flush()
