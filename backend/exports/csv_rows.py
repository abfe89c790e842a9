"""Entries as RFC 4180 CSV: UTF-8, CRLF line ends, a header row, fields quoted when needed.

Spreadsheets run a cell that starts with =, +, - or @ as a formula (a title like
`=HYPERLINK(...)` would otherwise become a live link in whoever opens the file), so such a
cell gets a leading apostrophe, which spreadsheets show as text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import tzinfo
from typing import Any

from backend.api.periods import zone

COLUMNS = ("id", "date", "start_time", "end_time", "duration_minutes", "type", "title",
           "description", "project", "tags", "value_rating", "impact_level")
FORMULA_PREFIXES = ("=", "+", "-", "@")
TAG_SEPARATOR = ";"


def guard(cell: str) -> str:
    return "'" + cell if cell.startswith(FORMULA_PREFIXES) else cell


def row_cells(row: dict[str, Any], z: tzinfo) -> list[str]:
    """One entry's cells; times in the user's timezone (RFC 3339 with its offset). Only the
    free-text cells can start with a formula character: ids, times, numbers and enum
    values never do."""
    start, end = row["start_time"].astimezone(z), row["end_time"].astimezone(z)
    return [str(row["id"]), start.date().isoformat(), start.isoformat(), end.isoformat(),
            str(row["duration_minutes"]), row["type"], guard(row["title"]),
            guard(row["description"] or ""), guard(row["project_name"] or ""),
            guard(TAG_SEPARATOR.join(row["tags"] or ())), row["value_rating"],
            row["impact_level"]]


def to_csv(rows: Iterable[list[str]]) -> bytes:
    buf = io.StringIO()
    # The csv module's defaults are RFC 4180's: CRLF, double quotes doubled, minimal quoting.
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return buf.getvalue().encode("utf-8")


def header() -> bytes:
    return to_csv([list(COLUMNS)])


def batch(rows: list[dict[str, Any]], tz: str) -> bytes:
    z = zone(tz)
    return to_csv(row_cells(r, z) for r in rows)
