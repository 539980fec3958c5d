"""The dates a build fills in: Quarto's words for a front matter's ``date`` (``today``, ``now``,
``last-modified``), and ``SOURCE_DATE_EPOCH``, which stands for the clock in a reproducible build.

The front matter's ``date`` key (:mod:`.metadata`) reads the words; the changelog
(:mod:`.changelog`) refuses them, since a filed version's date never changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..model import source_date_epoch

DATE_WORDS = ("today", "now", "last-modified")
"""Quarto's words for a date the build fills in: ``today`` and ``now``, the day of the build;
``last-modified``, the day the manuscript's sources were last changed (:func:`last_modified`)."""


def build_date() -> dt.date:
    """The day of this build (``date: today``, ``date: now``): the day of ``SOURCE_DATE_EPOCH``
    (UTC) when it is set, so that a build can be reproduced; else today, as the clock reads."""
    epoch = source_date_epoch()
    return epoch.date() if epoch is not None else dt.date.today()


def last_modified(paths: Iterable[Path]) -> dt.date:
    """The day the newest of ``paths`` was last changed (``date: last-modified``), as the clock
    reads; ``SOURCE_DATE_EPOCH``, when it is set, is that time (as reproducible builds define
    it), whatever the files' times: a fresh checkout gives them all the time of checking out."""
    epoch = source_date_epoch()
    if epoch is not None:
        return epoch.date()
    times = [path.stat().st_mtime for path in paths if path.is_file()]
    return dt.date.fromtimestamp(max(times)) if times else dt.date.today()


def is_date_word(value: Any, word: str) -> bool:
    """Whether a front-matter ``date`` value is ``word`` (one of :data:`DATE_WORDS`)."""
    return isinstance(value, str) and value.strip().lower() == word
