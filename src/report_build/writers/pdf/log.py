"""WeasyPrint's log during one layout: its warnings and errors collected, each with the
stylesheet and line it is about when known, for the PDF writer to report or raise."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from ...errors import display_path

CSS_POSITION = re.compile(r" at (\d+):(\d+)")


class RendererMessage(NamedTuple):
    """One message of WeasyPrint's, with the stylesheet and line it is about when known."""

    message: str
    path: Path | None
    line: int | None
    error: bool  # logged as an error: something (an image, a stylesheet, a font) is missing


class LogCapture(logging.Handler):
    """Collects WeasyPrint's warnings and errors during one render.

    WeasyPrint's messages about a stylesheet say "at 3:5" but not which stylesheet; the
    capture notes the stylesheet being read when the message is logged, so that the user
    is told ``layouts/css/custom.css:3``.
    """

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        record.rb_stylesheet = _stylesheet_being_read()  # type: ignore[attr-defined]
        self.records.append(record)

    @property
    def located(self) -> list[RendererMessage]:
        """Each message with its stylesheet and line (when known) and whether it is an error."""
        found = []
        for record in self.records:
            message = record.getMessage()
            path = getattr(record, "rb_stylesheet", None)
            position = CSS_POSITION.search(message)
            line = int(position.group(1)) if position and path is not None else None
            found.append(RendererMessage(message, path, line, record.levelno >= logging.ERROR))
        return found

    @property
    def messages(self) -> list[str]:
        """The messages, each followed by the stylesheet and line it is about when known."""
        return [
            f"{m.message} (in {display_path(m.path)}{f':{m.line}' if m.line else ''})" if m.path else m.message
            for m in self.located
        ]


def _stylesheet_being_read() -> Path | None:
    """The stylesheet file WeasyPrint is parsing right now (the innermost, for @import), if any."""
    frame = sys._getframe(1)
    while frame is not None:
        code = frame.f_code
        if code.co_name == "preprocess_stylesheet" and "weasyprint" in code.co_filename:
            base_url = frame.f_locals.get("base_url")
            if isinstance(base_url, str) and base_url.lower().startswith("file:"):
                path = Path(url2pathname(unquote(urlsplit(base_url).path)))
                if path.suffix.lower() == ".css":
                    return path
            return None
        frame = frame.f_back
    return None


@contextmanager
def captured_weasyprint_log() -> Iterator[LogCapture]:
    logger = logging.getLogger("weasyprint")
    handler = LogCapture()
    previous_propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.propagate = previous_propagate
