"""The data fingerprint a cached report is keyed on.

It must change whenever the report would: an entry added, edited, retagged or deleted in the
period; a project renamed; the previous period's entries (the facts compare against them);
the user's name or timezone; the report's options; or how facts are computed
(FACTS_VERSION). PostgreSQL hashes the entries so none of them travel to Python.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from backend.db.setup import db

# Bump when facts.py changes what it computes, so reports cached under old facts regenerate.
FACTS_VERSION = 2  # 2: the spec's metric names and definitions (issue 7)

_DATA_SQL = """
SELECT md5(coalesce(string_agg(concat_ws('|', le.id, le.updated_at, le.title, le.description,
                le.type, le.project_id, p.name, le.start_time, le.end_time,
                le.value_rating, le.impact_level,
                (SELECT string_agg(t.name, ',' ORDER BY t.name)
                 FROM log_entry_tags let JOIN tags t ON t.id = let.tag_id
                 WHERE let.log_entry_id = le.id)),
            E'\\n' ORDER BY le.start_time, le.id), '')) AS digest,
       count(*) FILTER (WHERE le.start_time >= $3)::int AS entries
FROM log_entries le
LEFT JOIN projects p ON p.id = le.project_id
WHERE le.user_id = $1 AND le.start_time >= $2 AND le.start_time < $4
"""


@dataclass(frozen=True)
class DataState:
    digest: str
    entries: int  # entries in the report period itself (not the comparison period)


async def data_state(user_id: UUID, compare_start: datetime, start: datetime, end: datetime,
                     conn: Any = None) -> DataState:
    """Digest of the entries in [compare_start, end) and the count of those in [start, end)."""
    rows = await db(conn).execute_query_dict(
        _DATA_SQL, [user_id, compare_start, start, end])
    return DataState(rows[0]["digest"], int(rows[0]["entries"]))


def fingerprint(state: DataState, *, report_type: str, period: tuple[str, str], tz: str,
                user_name: str, options: dict[str, Any]) -> str:
    """sha256 hex (64 chars, the column's width) over the data digest and everything else."""
    parts = {
        "v": FACTS_VERSION,
        "data": state.digest,
        "type": report_type,
        "period": list(period),
        "tz": tz,
        "name": user_name,
        "options": options,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()
