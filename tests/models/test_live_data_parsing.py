"""Reading a Prometheus query API's answer and a CSV file of points:
models/live_data_parsing.py."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest

from models.errors import InvalidRequest
from models.live_data import MAX_POINTS
from models.live_data_parsing import SourceFailure, read_csv_points, read_prometheus_answer

AT = 1795507420.861
WHEN = datetime.fromtimestamp(AT, UTC)


def vector(*values: str) -> dict[str, Any]:
    result = [{"metric": {"job": f"j{i}"}, "value": [AT, v]} for i, v in enumerate(values)]
    return {"status": "success", "data": {"resultType": "vector", "result": result}}


def test_a_vector_of_one_series_gives_its_time_and_value() -> None:
    assert read_prometheus_answer(vector("61.25")) == (WHEN, 61.25)


def test_a_scalar_gives_its_time_and_value() -> None:
    answer = {"status": "success", "data": {"resultType": "scalar", "result": [AT, "2"]}}

    assert read_prometheus_answer(answer) == (WHEN, 2.0)


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        (vector(), "the query gave no series"),
        (vector("1", "2"), "the query gave 2 series; it must give one"),
        (vector("NaN"), "the query's value is NaN, not a finite number"),
        (vector("+Inf"), "not a finite number"),
        (vector("many"), "the query's value 'many' is not a number"),
        (
            {
                "status": "error",
                "errorType": "bad_data",
                "error": 'invalid parameter "query": 1:6: parse error',
            },
            "Prometheus refused the query (bad_data): invalid parameter",
        ),
        (
            {"status": "success", "data": {"resultType": "matrix", "result": []}},
            "the query gave a matrix; it must give one number",
        ),
        (
            {"status": "success", "data": {"resultType": "vector", "result": [{"value": [AT]}]}},
            "not a [time, value] pair",
        ),
        (
            {"status": "success", "data": {"resultType": "scalar", "result": ["x", "1"]}},
            "the sample's time 'x' is not a number",
        ),
        ({"status": "success"}, "the answer has no data"),
        (["not", "a", "dict"], "not a Prometheus query API response"),
        ({"data": {}}, "not a Prometheus query API response"),
    ],
)
def test_anything_but_one_number_is_a_failure_in_plain_words(answer: Any, says: str) -> None:
    with pytest.raises(SourceFailure, match=re.escape(says)) as info:
        read_prometheus_answer(answer)
    assert info.value.message == str(info.value)


def test_a_csv_file_gives_its_points_in_utc_skipping_blank_lines() -> None:
    text = "Observed_At, Value\n2026-11-02T09:00:00Z,3\n\n2026-11-02T11:30:00+01:00, 4.5 \n"

    points = read_csv_points(text)

    assert [(p.observed_at, p.value) for p in points] == [
        (datetime(2026, 11, 2, 9, tzinfo=UTC), 3.0),
        (datetime(2026, 11, 2, 10, 30, tzinfo=UTC), 4.5),
    ]


def test_every_bad_row_is_named_with_its_column() -> None:
    text = (
        "observed_at,value\n"
        "2026-11-02T09:00:00Z,3\n"
        "2026-11-02T10:00:00,4\n"
        "yesterday,many\n"
        "2026-11-02T12:00:00Z,5,extra\n"
        "2026-11-02T13:00:00Z,inf\n"
    )

    with pytest.raises(InvalidRequest) as refused:
        read_csv_points(text)

    assert refused.value.message == (
        "nothing was stored: "
        "row 3, column observed_at: '2026-11-02T10:00:00' has no time zone; add one, such "
        "as 2026-11-02T09:00:00Z; "
        "row 4, column observed_at: 'yesterday' is not an ISO 8601 time; "
        "row 4, column value: 'many' is not a number; "
        "row 5: expected 2 columns (observed_at,value), found 3; "
        "row 6, column value: 'inf' is not a finite number"
    )


def test_only_the_first_ten_problems_are_listed() -> None:
    text = "observed_at,value\n" + "".join(f"bad{i},1\n" for i in range(13))

    with pytest.raises(InvalidRequest, match=r"row 11, column observed_at.*; and 3 more$"):
        read_csv_points(text)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "row 1: the header must be observed_at,value; found nothing"),
        ("time,value\n2026-11-02T09:00:00Z,1\n", "found time,value"),
        ("observed_at,value\n\n", "the file has a header but no rows of data"),
        ("observed_at,value\n1969-12-31T00:00:00Z,1\n", "row 2, column observed_at: .* 1970"),
        ('observed_at,value\n"2026-11-02,1\n', "row 2: not CSV"),
    ],
)
def test_a_file_that_is_not_points_is_refused(text: str, says: str) -> None:
    with pytest.raises(InvalidRequest, match=says):
        read_csv_points(text)


def test_a_file_over_the_limit_is_refused() -> None:
    text = "observed_at,value\n" + "2026-11-02T09:00:00Z,1\n" * (MAX_POINTS + 1)

    with pytest.raises(InvalidRequest, match=f"at most {MAX_POINTS} rows"):
        read_csv_points(text)


@pytest.mark.parametrize(
    ("at", "said"),
    [
        (1e20, "is not a time"),
        (float("nan"), "is not a time"),
        (-1e12, "is not a time"),
        (-1, "is before 1970"),
    ],
)
def test_a_sample_time_that_is_not_a_sensible_moment_fails_the_source(at: float, said: str) -> None:
    answer = {
        "status": "success",
        "data": {"resultType": "vector", "result": [{"metric": {}, "value": [at, "61"]}]},
    }
    with pytest.raises(SourceFailure, match=said):
        read_prometheus_answer(answer)


def test_a_value_with_an_underscore_is_not_a_number_in_a_csv_file() -> None:
    text = "observed_at,value\n2026-11-02T09:00:00Z,1_000\n"
    with pytest.raises(InvalidRequest, match="row 2, column value: '1_000' is not a number"):
        read_csv_points(text)
