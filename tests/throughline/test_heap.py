"""Objects alive at the end of start-up are frozen out of the collector's sight, and
what is made afterwards is still collected: throughline/heap.py."""

from __future__ import annotations

import gc
import weakref

from throughline.heap import freeze_start_up_objects


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_start_up_objects_are_frozen_and_later_garbage_still_collected() -> None:
    try:
        assert freeze_start_up_objects() > 0
        later = _Cycle()
        gone = weakref.ref(later)
        del later
        gc.collect()
        assert gone() is None, "a cycle made after the freeze was never collected"
    finally:
        gc.unfreeze()
