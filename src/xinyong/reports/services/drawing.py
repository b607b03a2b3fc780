"""Drawing a batch's PDFs side by side.

Drawing a PDF (WeasyPrint laying out CJK text and cutting the font down) is most of a
report's cost and touches no database, so a batch decides and fills each report in the
worker, hands the drawing to a pool of processes, and signs and stores the PDFs in order as
they come back. The pool's processes are spawned, not forked: they share no database
connection, lock or thread with the worker, and only ever receive a report's content. Each
sets Django up once (`django.setup`, with the worker's environment: templates and
translations, never the database) before it unpickles any work.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager

import django
from django.conf import settings

from xinyong.core.pdf import PdfDocument
from xinyong.reports.services.issuing import Draft
from xinyong.reports.services.render import render_report

PARALLEL_FROM = 8
"""A batch smaller than this is drawn in the worker itself: starting the processes (Django
and WeasyPrint load in each) costs about as much as drawing a few reports."""

Drawer = Callable[[Draft], "Future[PdfDocument]"]


def _draw_here(draft: Draft) -> Future[PdfDocument]:
    future: Future[PdfDocument] = Future()
    future.set_result(draft.draw())
    return future


@contextmanager
def drawing(reports: int) -> Iterator[tuple[Drawer, int]]:
    """A function that starts drawing a draft and returns its future, and how many drafts
    may be in flight at once (two per process keeps every process busy while the worker
    signs and stores)."""
    processes = min(settings.XINYONG_REPORT_PROCESSES, reports)
    if processes <= 1 or reports < PARALLEL_FROM:
        yield _draw_here, 1
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(processes, mp_context=context, initializer=django.setup) as pool:

        def draw_there(draft: Draft) -> Future[PdfDocument]:
            return pool.submit(render_report, draft.content, **draft.drawing_arguments())

        yield draw_there, 2 * processes
