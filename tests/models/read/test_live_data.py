"""A measure with its live data, judged by its latest point: models/read/live_data.py."""

from __future__ import annotations

from datetime import timedelta

from models.intake import SuccessMeasure
from models.live_data import MeasurePoint, PointOrigin
from models.read.live_data import live_measure
from tests.factories import T0

DAYS = SuccessMeasure(metric="median days to decision", baseline=30, target=5, unit="days")


def test_a_measure_is_judged_by_its_latest_point_however_old() -> None:
    latest = MeasurePoint(
        observed_at=T0, value=4, origin=PointOrigin.CSV, received_at=T0 + timedelta(hours=1)
    )

    judged = live_measure(DAYS, [], [], latest, T0 - timedelta(days=3))

    assert (judged.met, judged.higher_is_better, judged.target) == (True, False, 5)
    assert judged.first_observed_at == T0 - timedelta(days=3)


def test_a_measure_without_data_is_not_yet_known() -> None:
    judged = live_measure(DAYS, [], [], None, None)

    assert (judged.met, judged.latest, judged.points) == (None, None, [])
