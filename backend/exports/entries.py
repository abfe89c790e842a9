"""The entries an export writes, read in keyset batches so that no export holds all of them.

Batches are ordered by (start_time, id) and each one starts after the last row of the one
before, so every batch is an index range scan and a slow client holds no connection (and
no transaction) between batches. The filter is GET /v1/logs's own (logs.queries.filter_sql).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

from backend.api.periods import Span
from backend.db.setup import db
from backend.logs.queries import COLUMNS, TAGS_EXPR, filter_sql
from backend.logs.schemas import EntryFilters

BATCH_ROWS = 1000
NO_FILTERS = EntryFilters()


async def entry_batches(user_id: UUID, span: Span, filters: EntryFilters = NO_FILTERS, *,
                        batch_rows: int = BATCH_ROWS,
                        limit: int | None = None) -> AsyncIterator[list[dict[str, Any]]]:
    """The user's matching entries, oldest first, `batch_rows` at a time (at most `limit`)."""
    cond, params = filter_sql(user_id, filters, span)
    after: tuple[Any, Any] | None = None
    sent = 0
    while limit is None or sent < limit:
        size = batch_rows if limit is None else min(batch_rows, limit - sent)
        args = list(params)
        keyset = ""
        if after is not None:
            args += list(after)
            # The plain start_time bound lets the (user_id, start_time) index start the scan
            # at the previous batch's end; the row comparison alone would be a filter.
            keyset = (f"AND e.start_time >= ${len(args) - 1} "
                      f"AND (e.start_time, e.id) > (${len(args) - 1}, ${len(args)})")
        args.append(size)
        sql = f"""SELECT {COLUMNS}, {TAGS_EXPR}
FROM (SELECT * FROM log_entries e WHERE {cond} {keyset}
      ORDER BY e.start_time, e.id LIMIT ${len(args)}) e
LEFT JOIN projects p ON p.id = e.project_id
ORDER BY e.start_time, e.id"""
        rows = await db().execute_query_dict(sql, args)
        if not rows:
            return
        yield rows
        sent += len(rows)
        if len(rows) < size:
            return
        after = (rows[-1]["start_time"], rows[-1]["id"])


async def count_entries(user_id: UUID, span: Span, filters: EntryFilters = NO_FILTERS) -> int:
    cond, params = filter_sql(user_id, filters, span)
    rows = await db().execute_query_dict(
        f"SELECT count(*)::int AS n FROM log_entries e WHERE {cond}", params)
    return int(rows[0]["n"])
