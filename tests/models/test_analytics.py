"""Analytics facts: waits put in the same buckets whatever the database: models/analytics.py."""

from __future__ import annotations

import pytest

from models.analytics import DAYS_PER_BUCKET, HOURS_PER_BUCKET, bucket


@pytest.mark.parametrize(
    ("hours", "expected"), [(0.0, 0), (0.01, 0), (0.06, 0), (0.1, 1), (0.3, 3), (5.0, 50)]
)
def test_waits_round_down_into_six_minute_buckets(hours: float, expected: int) -> None:
    assert bucket(hours, HOURS_PER_BUCKET) == expected


def test_an_open_wait_has_no_bucket() -> None:
    assert bucket(None, DAYS_PER_BUCKET) is None
