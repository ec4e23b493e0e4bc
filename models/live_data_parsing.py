"""Reading live outcome data: a Prometheus query API's answer, and a CSV file of points.

Pure: the poll activity hands in the decoded JSON it fetched, the upload route the text
it was sent. A Prometheus answer that gives no single number is a `SourceFailure`, which
the poll records as the source's last error; a bad CSV row is refused (422) naming its
row and column, and nothing of the file is stored.
"""

from __future__ import annotations

import csv
import io
import math
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from models.errors import InvalidRequest
from models.live_data import MAX_POINTS, PointIn

CSV_HEADER = ("observed_at", "value")
MOST_PROBLEMS_TOLD = 10


class SourceFailure(Exception):
    """A source that answered, but not with one number; the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def read_prometheus_answer(answer: Any) -> tuple[datetime, float]:
    """When and what an instant query returned: a vector of exactly one series, or a
    scalar. Anything else is a SourceFailure in plain words."""
    if not isinstance(answer, dict) or "status" not in answer:
        raise SourceFailure("the answer is not a Prometheus query API response")
    if answer["status"] != "success":
        kind, error = answer.get("errorType", "error"), answer.get("error", "no reason given")
        raise SourceFailure(f"Prometheus refused the query ({kind}): {error}")
    data = answer.get("data")
    if not isinstance(data, dict):
        raise SourceFailure("the answer has no data")
    kind, result = data.get("resultType"), data.get("result")
    if kind == "scalar":
        return _sample(result)
    if kind != "vector":
        raise SourceFailure(
            f"the query gave a {kind}; it must give one number: a vector of one series, or a scalar"
        )
    return _sample(_only_series(result))


def _only_series(result: Any) -> Any:
    if not isinstance(result, list):
        raise SourceFailure("the answer's vector is not a list")
    if not result:
        raise SourceFailure("the query gave no series: nothing matches it yet")
    if len(result) > 1:
        raise SourceFailure(
            f"the query gave {len(result)} series; it must give one, for example by "
            "wrapping it in sum(...)"
        )
    series = result[0]
    return series.get("value") if isinstance(series, dict) else None


def _sample(sample: Any) -> tuple[datetime, float]:
    """A [unix time, "value"] pair, the value a finite number."""
    if not isinstance(sample, list) or len(sample) != 2:
        raise SourceFailure("the answer's sample is not a [time, value] pair")
    at, text = sample
    if not isinstance(at, int | float) or isinstance(at, bool):
        raise SourceFailure(f"the sample's time {at!r} is not a number")
    try:
        value = float(text)
    except (TypeError, ValueError):
        raise SourceFailure(f"the query's value {text!r} is not a number") from None
    if not math.isfinite(value):
        raise SourceFailure(f"the query's value is {text}, not a finite number")
    return _moment(at), value


EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)


def _moment(at: float) -> datetime:
    """A sample's unix time as a moment, refused when it is not a sensible one; the
    poll refuses a time ahead of now as pushed points are refused."""
    try:
        moment = datetime.fromtimestamp(at, UTC)
    except (OverflowError, OSError, ValueError):
        raise SourceFailure(f"the sample's time {at!r} is not a time") from None
    if moment < EARLIEST:
        raise SourceFailure(f"the sample's time {moment.isoformat()} is before 1970")
    return moment


def read_csv_points(text: str) -> list[PointIn]:
    """The points of a CSV file whose header is `observed_at,value`: times in ISO 8601
    with a time zone, values numbers. Every bad row is named, up to ten; blank lines
    are skipped."""
    reader = csv.reader(io.StringIO(text), strict=True)
    try:
        header = next(reader, None)
        if header is None or tuple(h.strip().lower() for h in header) != CSV_HEADER:
            found = ",".join(header or []) or "nothing"
            raise InvalidRequest(f"row 1: the header must be observed_at,value; found {found}")
        points, problems = _rows(reader)
    except csv.Error as error:
        raise InvalidRequest(f"row {reader.line_num}: not CSV: {error}") from None
    if problems:
        more = len(problems) - MOST_PROBLEMS_TOLD
        told = "; ".join(problems[:MOST_PROBLEMS_TOLD]) + (f"; and {more} more" if more > 0 else "")
        raise InvalidRequest(f"nothing was stored: {told}")
    if not points:
        raise InvalidRequest("the file has a header but no rows of data")
    return points


def _rows(reader: Any) -> tuple[list[PointIn], list[str]]:
    points: list[PointIn] = []
    problems: list[str] = []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        if len(points) >= MAX_POINTS:
            raise InvalidRequest(f"send at most {MAX_POINTS} rows at a time")
        row = reader.line_num
        if len(cells) != len(CSV_HEADER):
            problems.append(
                f"row {row}: expected 2 columns (observed_at,value), found {len(cells)}"
            )
            continue
        observed_at, value = _time(row, cells[0], problems), _number(row, cells[1], problems)
        if observed_at is not None and value is not None:
            try:
                points.append(PointIn(observed_at=observed_at, value=value))
            except ValidationError as refused:
                reason = refused.errors()[0]["msg"].removeprefix("Value error, ")
                problems.append(f"row {row}, column observed_at: {cells[0]!r} {reason}")
    return points, problems


def _time(row: int, cell: str, problems: list[str]) -> datetime | None:
    try:
        moment = datetime.fromisoformat(cell.strip())
    except ValueError:
        problems.append(f"row {row}, column observed_at: {cell!r} is not an ISO 8601 time")
        return None
    if moment.tzinfo is None:
        problems.append(
            f"row {row}, column observed_at: {cell!r} has no time zone; "
            "add one, such as 2026-11-02T09:00:00Z"
        )
        return None
    return moment


def _number(row: int, cell: str, problems: list[str]) -> float | None:
    try:
        if "_" in cell:  # Python reads 1_000 as a number; a spreadsheet does not
            raise ValueError(cell)
        value = float(cell.strip())
    except ValueError:
        problems.append(f"row {row}, column value: {cell!r} is not a number")
        return None
    if not math.isfinite(value):
        problems.append(f"row {row}, column value: {cell!r} is not a finite number")
        return None
    return value
