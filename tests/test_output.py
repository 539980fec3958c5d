"""Interruptions during a build (output.interrupts_as_exceptions), in memory: the signal is an
exception that knows its signal, even when it first lands where Python would print it and carry
on (a finalizer), or where a library turns it into an error of its own."""

from __future__ import annotations

import os
import signal
import time

import pytest

from report_build.errors import RenderError
from report_build.output import Interrupted, interrupts_as_exceptions


def test_an_interruption_knows_its_signal():
    with pytest.raises(Interrupted) as caught, interrupts_as_exceptions():
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(1)  # the handler runs here
    assert caught.value.signum == signal.SIGTERM
    assert isinstance(caught.value, KeyboardInterrupt)  # every cleanup runs on the way out


def test_a_signal_that_lands_in_a_finalizer_is_delivered_again(capfd):
    class Held:
        def __del__(self) -> None:
            os.kill(os.getpid(), signal.SIGTERM)
            deadline = time.monotonic() + 0.3
            while time.monotonic() < deadline:  # the handler runs here, inside __del__
                pass

    started = time.monotonic()
    with pytest.raises(Interrupted), interrupts_as_exceptions():
        Held()  # collected at once: its __del__ runs
        time.sleep(5)  # the signal comes again, outside the finalizer
    assert time.monotonic() - started < 3
    assert capfd.readouterr().err == ""  # not "Exception ignored in: <function Held.__del__ ...>"


def test_an_error_that_follows_the_signal_is_the_interruption():
    with pytest.raises(Interrupted), interrupts_as_exceptions():
        try:  # as WeasyPrint draws an SVG: every exception caught, then reported as a failure
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(1)
        except BaseException:
            raise RenderError("PDF: Failed to render SVG image") from None
