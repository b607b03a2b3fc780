"""Drawing a document raises the garbage collector's threshold, and always gives it back."""

from __future__ import annotations

import gc
import threading

import pytest
from django.template import TemplateDoesNotExist

from xinyong.core.pdf import _Collector, render_pdf


def test_the_threshold_is_raised_while_drawing_and_restored_after() -> None:
    collector = _Collector()
    before = gc.get_threshold()
    with collector.drawing():
        assert gc.get_threshold() == (_Collector.YOUNG_THRESHOLD, *before[1:])
    assert gc.get_threshold() == before


def test_overlapping_drawings_restore_only_when_the_last_ends() -> None:
    """Two threads draw at once: the first to finish must not lower the threshold under the
    other, and the last restores what was there before either began."""
    collector = _Collector()
    before = gc.get_threshold()
    first_inside, second_done = threading.Event(), threading.Event()
    seen: list[int] = []

    def first() -> None:
        with collector.drawing():
            first_inside.set()
            second_done.wait(timeout=10)
            seen.append(gc.get_threshold()[0])

    worker = threading.Thread(target=first)
    worker.start()
    first_inside.wait(timeout=10)
    with collector.drawing():
        pass
    second_done.set()
    worker.join(timeout=10)
    assert seen == [_Collector.YOUNG_THRESHOLD]
    assert gc.get_threshold() == before


def test_a_failed_drawing_restores_the_threshold() -> None:
    before = gc.get_threshold()
    with pytest.raises(TemplateDoesNotExist):
        render_pdf("no/such/template.html", {})
    assert gc.get_threshold() == before
