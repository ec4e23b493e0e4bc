"""The rules over live outcome data: the latest point, crossing a target and the news of
it, who may feed a measure, which points are kept, and how long a measure has been
observed: models/live_data.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from models.errors import InvalidRequest, NotEligible
from models.intake import SuccessMeasure
from models.live_data import (
    MAX_POINTS,
    Crossing,
    MeasurePoint,
    PointIn,
    PointOrigin,
    PrometheusSourceRequest,
    check_points,
    crossing,
    crossing_key,
    crossing_notice,
    host_allowed,
    latest_of,
    may_feed,
    measure_of,
    observation_shortfalls,
)
from models.notifications import Topic
from tests.factories import OWNER, PROPOSER, T0, fresh_state

TAKE_UP = SuccessMeasure(metric="online take-up", baseline=0, target=60, unit="percent")
DAYS = SuccessMeasure(metric="median days to decision", baseline=30, target=5, unit="days")


def point(
    value: float,
    minutes: int = 0,
    origin: PointOrigin = PointOrigin.PUSH,
    received: int | None = None,
) -> MeasurePoint:
    return MeasurePoint(
        observed_at=T0 + timedelta(minutes=minutes),
        value=value,
        origin=origin,
        received_at=T0 + timedelta(minutes=minutes if received is None else received),
    )


def test_the_latest_point_is_the_latest_observed_whenever_it_came() -> None:
    late_arrival = point(10, minutes=5, received=60)
    newest = point(20, minutes=30, received=31)

    assert latest_of([late_arrival, newest, None]) == newest
    assert latest_of([None]) is None
    assert latest_of([]) is None


def test_points_of_the_same_moment_are_ordered_by_arrival_then_origin() -> None:
    first = point(1, minutes=10, origin=PointOrigin.PUSH, received=11)
    second = point(2, minutes=10, origin=PointOrigin.CSV, received=12)
    same_time = point(3, minutes=10, origin=PointOrigin.PROMETHEUS, received=12)

    assert latest_of([second, first]) == second
    assert latest_of([same_time, second]) == same_time


def test_a_target_is_crossed_when_the_latest_value_first_meets_it() -> None:
    assert crossing(TAKE_UP, None, point(61)) is Crossing.MET
    assert crossing(TAKE_UP, point(40), point(60)) is Crossing.MET
    assert crossing(TAKE_UP, point(40), point(59)) is None
    assert crossing(TAKE_UP, None, point(10)) is None


def test_falling_back_is_a_crossing_and_staying_met_is_not() -> None:
    assert crossing(TAKE_UP, point(65), point(59.9)) is Crossing.MISSED
    assert crossing(TAKE_UP, point(65), point(70)) is None


def test_lower_is_better_measures_cross_downwards() -> None:
    assert crossing(DAYS, point(12), point(5)) is Crossing.MET
    assert crossing(DAYS, point(4), point(6)) is Crossing.MISSED


def test_no_new_latest_point_crosses_nothing() -> None:
    same = point(70)

    assert crossing(TAKE_UP, same, same) is None
    assert crossing(TAKE_UP, None, None) is None


def test_a_crossing_is_known_by_the_point_it_crossed_from() -> None:
    from_nothing = crossing_key("c1", "online take-up", Crossing.MET, None)
    from_forty = crossing_key("c1", "online take-up", Crossing.MET, point(40))

    assert from_nothing != from_forty
    assert from_forty == crossing_key("c1", "online take-up", Crossing.MET, point(40, received=9))
    assert from_forty != crossing_key("c1", "online take-up", Crossing.MISSED, point(40))


def test_the_team_hears_of_a_crossing_in_plain_words() -> None:
    state = fresh_state()
    before, after = point(40), point(62.5, minutes=60)

    met = crossing_notice(state, TAKE_UP, Crossing.MET, (before, after))
    missed = crossing_notice(state, TAKE_UP, Crossing.MISSED, (after, point(50, minutes=90)))

    assert met.topic is Topic.TARGET_MET
    assert met.recipients == sorted(state.team_members())
    assert met.ask.startswith("'online take-up' now meets the target of 60 percent: it is 62.5")
    assert met.key == crossing_key(state.change_id, "online take-up", Crossing.MET, before)
    assert missed.topic is Topic.TARGET_MISSED
    assert "no longer meets the target of 60 percent: 50 percent" in missed.ask


def test_the_team_and_the_service_owner_may_feed_measures_and_nobody_else() -> None:
    state = fresh_state()

    for person in [PROPOSER, *state.intake.people.digital, OWNER]:
        may_feed(state, person)
    with pytest.raises(NotEligible, match="pol-a is none of them"):
        may_feed(state, "pol-a")


def test_a_metric_must_be_one_of_the_changes_measures() -> None:
    state = fresh_state()

    assert measure_of(state, "online take-up").target == 60
    with pytest.raises(InvalidRequest, match="'visits' is not a success measure"):
        measure_of(state, "visits")


def test_points_keep_the_first_of_each_moment_and_none_from_the_future() -> None:
    now = T0 + timedelta(days=1)
    first = PointIn(observed_at=T0, value=1)
    repeat = PointIn(observed_at=T0, value=2)
    slightly_ahead = PointIn(observed_at=now + timedelta(minutes=4), value=3)

    assert check_points([first, repeat, slightly_ahead], now) == [first, slightly_ahead]
    with pytest.raises(InvalidRequest, match="point 2 is observed in the future"):
        check_points([first, PointIn(observed_at=now + timedelta(hours=1), value=4)], now)
    with pytest.raises(InvalidRequest, match=f"at most {MAX_POINTS}"):
        check_points([first] * (MAX_POINTS + 1), now)


def test_a_point_is_stored_in_utc_and_needs_a_time_zone_from_1970_on() -> None:
    local = PointIn.model_validate({"observed_at": "2026-11-02T10:00:00+01:00", "value": 1})

    assert local.observed_at == datetime(2026, 11, 2, 9, tzinfo=UTC)
    assert local.observed_at.tzinfo is UTC
    for bad in ["2026-11-02T10:00:00", "1969-12-31T23:59:59Z", "0001-01-01T00:00:00+01:00"]:
        with pytest.raises(ValidationError):
            PointIn.model_validate({"observed_at": bad, "value": 1})
    with pytest.raises(ValidationError):
        PointIn.model_validate({"observed_at": "2026-11-02T10:00:00Z", "value": "1"})


def test_no_observation_period_needed_means_no_shortfall() -> None:
    assert observation_shortfalls(["online take-up"], {}, None, T0) == []
    assert observation_shortfalls(["online take-up"], {}, 0, T0) == []


def test_each_measure_observed_too_briefly_is_named_with_its_days() -> None:
    now = T0 + timedelta(days=20)
    first = {
        "completion rate": now - timedelta(days=3, hours=5),
        "online take-up": now - timedelta(days=1, hours=2),
        "median days to decision": now - timedelta(days=14),
    }
    metrics = ["completion rate", "online take-up", "median days to decision", "visits"]

    assert observation_shortfalls(metrics, first, 14, now) == [
        "'completion rate' has been observed for 3 days; the gate needs 14",
        "'online take-up' has been observed for 1 day; the gate needs 14",
        "'visits' has not been observed yet; the gate needs 14 days",
    ]


def test_a_first_point_stamped_after_now_counts_as_no_days() -> None:
    later = {"online take-up": T0 + timedelta(hours=1)}

    assert observation_shortfalls(["online take-up"], later, 1, T0) == [
        "'online take-up' has been observed for 0 days; the gate needs 1"
    ]


def test_a_prometheus_source_url_carries_no_credentials() -> None:
    body = {"kind": "prometheus", "url": "http://user:secret@prometheus:9090", "query": "up"}
    with pytest.raises(ValidationError, match="must not carry a user name or password"):
        PrometheusSourceRequest.model_validate(body)


def test_a_source_may_name_only_an_allowed_host_whatever_its_case() -> None:
    assert host_allowed("http://anything:9090", [])
    assert host_allowed("http://Prometheus.Internal:9090/", [" prometheus.internal "])
    assert not host_allowed("http://169.254.169.254/", ["prometheus.internal"])
