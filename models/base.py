"""The base every domain type is built on: strict models, and the text and number
types a request body may carry, each stating its rule in the OpenAPI schema."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    GetJsonSchemaHandler,
    StringConstraints,
)
from pydantic import Strict as StrictType
from pydantic_core import CoreSchema

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


PRINTABLE_PATTERN = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f]*$"
"""The same rule as a JSON Schema pattern, so clients can check text before sending it."""


LIST_LIMIT = 50


def _printable(value: str) -> str:
    # A NUL or other control character cannot be stored by every database; refusing it
    # here keeps it from ever reaching a projection that would retry it forever.
    if _CONTROL_CHARACTERS.search(value):
        raise ValueError("must not contain control characters")
    return value


class _DocumentPrintable:
    """Puts the control-character rule into the OpenAPI schema as a pattern."""

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        schema = handler(core_schema)
        schema["pattern"] = PRINTABLE_PATTERN
        return schema


Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=4000),
    AfterValidator(_printable),
    _DocumentPrintable(),
]


ShortText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(_printable),
    _DocumentPrintable(),
]


Number = Annotated[float, StrictType()]
"""A JSON number: true, false and numeric strings are refused, as the schema says."""


WholeNumber = Annotated[int, StrictType()]


Flag = Annotated[bool, StrictType()]


PersonId = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9._-]*$"
    ),
]


class Strict(BaseModel):
    """Base for request and domain types: unknown fields are errors, not silently dropped,
    and numbers are finite (JSON cannot carry infinity or NaN through Temporal)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


SEQ_LIMIT = 2**31 - 1
"""The largest seq or row number a store column holds; anything above is no position."""


def _in_utc(moment: datetime | None) -> datetime | None:
    """A time the store can keep: one that, moved to UTC, is still a date at all."""
    if moment is None:
        return None
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise ValueError("the time is outside the range of dates, once moved to UTC") from None


Moment = Annotated[AwareDatetime, AfterValidator(_in_utc)]
"""A time with its timezone, which stays a date when moved to UTC: 0001-01-01T00:00+05:00
does not, and is refused as bad input rather than failing in the store."""
