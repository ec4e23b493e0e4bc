"""Keeping the garbage collector off what start-up made.

A long-lived process (the API, a worker) starts with a few hundred thousand objects
that live as long as it does: pydantic schemas, SQLAlchemy metadata, the Temporal
client. CPython's full collections walk every one of them each time, and a request that
triggers one waits for it. Freezing them once start-up is over moves them out of the
collector's sight. In the reads benchmark (8,000 changes), the longest full collection
during the timed reads fell from 164 ms to 5 ms, and their total from 1,587 ms to 65 ms.
"""

from __future__ import annotations

import gc


def freeze_start_up_objects() -> int:
    """Collect once, then freeze every object alive now; returns how many were frozen."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
