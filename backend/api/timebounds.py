"""The one supported range for every date and timestamp the API accepts: 1900-01-01 through
2999-12-31 (UTC for timestamps).

Outside it, PostgreSQL and Python disagree at the edges (year 1 becomes -infinity in asyncpg,
year 9999 overflows when a day is added to it), so such values are refused with a 422 naming
the field, the same message everywhere. Apply `BoundedDate` / `BoundedDatetime` to a field,
or call `check_date` / `check_datetime` from a validator that parses its own format.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime

MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2999, 12, 31)
MIN_DATETIME = datetime(1900, 1, 1, tzinfo=UTC)
# Exclusive: the first instant after MAX_DATE.
END_DATETIME = datetime(3000, 1, 1, tzinfo=UTC)

RANGE_TEXT = f"must be between {MIN_DATE.isoformat()} and {MAX_DATE.isoformat()}"


def check_date(v: date) -> date:
    if not MIN_DATE <= v <= MAX_DATE:
        raise ValueError(RANGE_TEXT)
    return v


def check_datetime(v: datetime) -> datetime:
    # Naive values are refused earlier (AwareDatetime); compare in UTC.
    if v.tzinfo is None or not MIN_DATETIME <= v < END_DATETIME:
        raise ValueError(RANGE_TEXT)
    return v


def check_optional_date(v: date | None) -> date | None:
    return None if v is None else check_date(v)


BoundedDate = Annotated[date, AfterValidator(check_date)]
BoundedDatetime = Annotated[AwareDatetime, AfterValidator(check_datetime)]
