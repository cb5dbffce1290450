"""Pausing Python's cycle collector while a page builds a large, short-lived structure.

A map of every buurt in a national-size gemeente makes a handful of objects per area: 14,000
areas, some 100,000 objects that live until the response is sent. Each time enough new objects
survive, CPython (3.11) runs a full collection that walks every object in the process, the
page's growing structure included: measured on the national Kaart, that was a third of its
server time (docs/adr/0023-national-kaart-server-time.md). These objects hold no reference
cycles, so reference counting frees them all; pausing the collector only postpones its search
for cycles until the block ends, when the collector's counters make it run again soon.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """Pause automatic cycle collection in the block (also as a decorator). A collector that
    was already paused, by the caller or by another thread's block, is left paused."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
