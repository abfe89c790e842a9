"""SQL for log entries: the entry projection, single-statement insert and the list query."""

from __future__ import annotations

from typing import Any

from backend.api.periods import Span
from backend.insights.digests import forget_weeks_batch_cte, forget_weeks_cte
from backend.logs.overlaps import overlaps_in_batch_insert, overlaps_in_insert
from backend.logs.schemas import EntryFilters, EntryQuery
from backend.tags.resolve import batch_tag_ctes, tag_ctes

# Tags come back sorted by name: there is no position column, and a stable order keeps
# responses comparable.
TAGS_EXPR = """COALESCE((SELECT array_agg(t.name ORDER BY t.name)
    FROM log_entry_tags lt JOIN tags t ON t.id = lt.tag_id
    WHERE lt.log_entry_id = e.id), '{}'::text[]) AS tags"""

COLUMNS = """e.id, e.title, e.description, e.type, e.project_id, p.name AS project_name,
    e.start_time, e.end_time, e.duration_minutes, e.value_rating, e.impact_level,
    e.created_at, e.updated_at"""

SELECT_ENTRY = f"""SELECT {COLUMNS}, {TAGS_EXPR}
FROM log_entries e LEFT JOIN projects p ON p.id = e.project_id
WHERE e.id = $1 AND e.user_id = $2"""

SELECT_ENTRIES_BY_ID = f"""SELECT {COLUMNS}, {TAGS_EXPR}
FROM log_entries e LEFT JOIN projects p ON p.id = e.project_id
WHERE e.id = ANY($1::uuid[]) AND e.user_id = $2
ORDER BY array_position($1::uuid[], e.id)"""

# $1 user, $2 project (nullable), $3..$9 fields, $10 the Mondays whose week digests the
# entry invalidates, [$11 tag names]. The project must be the user's: otherwise nothing at
# all is written and no row comes back. One statement does the whole write (ownership check,
# insert, tags, digest invalidation) and reads the overlapping entries: one round trip.
_INSERT_HEAD = f"""entry_ok AS (
    SELECT ($2::uuid IS NULL OR EXISTS (
        SELECT 1 FROM projects WHERE id = $2::uuid AND owner_id = $1::uuid)) AS ok
),
e AS (
    INSERT INTO log_entries (user_id, project_id, title, description, type,
                             start_time, end_time, value_rating, impact_level)
    SELECT $1::uuid, $2::uuid, $3, $4, $5, $6, $7, $8, $9 FROM entry_ok WHERE ok
    RETURNING *
),
{forget_weeks_cte("$1::uuid", "$10", "(SELECT ok FROM entry_ok)")}"""

_INSERT_TAIL = f"""SELECT {COLUMNS},
    {overlaps_in_insert("$1::uuid", "$6::timestamptz", "$7::timestamptz")}
FROM e LEFT JOIN projects p ON p.id = e.project_id"""

INSERT_ENTRY = f"""WITH {_INSERT_HEAD}
{_INSERT_TAIL}"""

INSERT_ENTRY_TAGS = f"""WITH {_INSERT_HEAD},
{tag_ctes("$1::uuid", "$11", "(SELECT ok FROM entry_ok)")},
links AS (
    INSERT INTO log_entry_tags (log_entry_id, tag_id)
    SELECT e.id, tag_ids.id FROM e, tag_ids
)
{_INSERT_TAIL}"""

# Many single-entry inserts in one statement (backend/logs/insert_batch.py). $1 is a JSON
# array with one object per entry: its place `n` (from 1), user_id, project_id (null: none),
# the fields, `monday` (of the entry's week in its user's zone) and its tag names. JSON, not
# one array parameter per column: asyncpg checks every element of an array parameter against
# three abstract base classes, which cost more than the rest of the encoding together. An
# entry whose project is not its user's is left out and gets no row back; every other entry
# is written and answered exactly as INSERT_ENTRY[_TAGS] would, `n` telling which row is
# whose.
INSERT_BATCH = f"""WITH batch AS MATERIALIZED (
    SELECT gen_random_uuid() AS id, i.*
    FROM jsonb_to_recordset($1::jsonb) AS i(
        n bigint, user_id uuid, project_id uuid, title text, description text, type text,
        start_time timestamptz, end_time timestamptz, value_rating text, impact_level text,
        monday date, tags text[])
    WHERE i.project_id IS NULL OR EXISTS (
        SELECT 1 FROM projects p WHERE p.id = i.project_id AND p.owner_id = i.user_id)
),
e AS (
    INSERT INTO log_entries (id, user_id, project_id, title, description, type,
                             start_time, end_time, value_rating, impact_level)
    SELECT id, user_id, project_id, title, description, type, start_time, end_time,
           value_rating, impact_level
    FROM batch ORDER BY n
    RETURNING *
),
{forget_weeks_batch_cte("batch")},
tag_pairs AS MATERIALIZED (
    SELECT DISTINCT b.id AS entry_id, b.user_id, t.name
    FROM batch b CROSS JOIN LATERAL unnest(b.tags) AS t(name)
),
tag_wanted AS (SELECT DISTINCT user_id, name FROM tag_pairs),
{batch_tag_ctes("tag_wanted")},
links AS (
    INSERT INTO log_entry_tags (log_entry_id, tag_id)
    SELECT tp.entry_id, ti.id FROM tag_pairs tp JOIN tag_ids ti USING (user_id, name)
)
SELECT r.n, {COLUMNS}, {overlaps_in_batch_insert("batch", "r")}
FROM batch r JOIN e ON e.id = r.id LEFT JOIN projects p ON p.id = e.project_id"""

BULK_INSERT = """INSERT INTO log_entries (id, user_id, project_id, title, description,
    type, start_time, end_time, value_rating, impact_level)
SELECT u.id, $1::uuid, u.project_id, u.title, u.description, u.type, u.start_time,
    u.end_time, u.value_rating, u.impact_level
FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::timestamptz[],
            $8::timestamptz[], $9::text[], $10::text[])
    AS u(id, project_id, title, description, type, start_time, end_time,
         value_rating, impact_level)"""

LINK_PAIRS = """INSERT INTO log_entry_tags (log_entry_id, tag_id)
SELECT * FROM unnest($1::uuid[], $2::uuid[]) ON CONFLICT DO NOTHING"""

OWNED_PROJECTS = "SELECT id FROM projects WHERE owner_id = $1 AND id = ANY($2::uuid[])"

LOCK_ENTRY = f"""SELECT {COLUMNS}, {TAGS_EXPR}
FROM log_entries e LEFT JOIN projects p ON p.id = e.project_id
WHERE e.id = $1 AND e.user_id = $2
FOR UPDATE OF e"""

UPDATE_ENTRY = """UPDATE log_entries SET project_id = $3, title = $4, description = $5,
    type = $6, start_time = $7, end_time = $8, value_rating = $9, impact_level = $10,
    updated_at = now()
WHERE id = $1 AND user_id = $2"""

# Replace an entry's tags in one statement: drop links not in the new set, add the rest.
SET_TAGS = f"""WITH {tag_ctes("$2::uuid", "$3")},
dropped AS (
    DELETE FROM log_entry_tags
    WHERE log_entry_id = $1 AND tag_id NOT IN (SELECT id FROM tag_ids)
)
INSERT INTO log_entry_tags (log_entry_id, tag_id)
SELECT $1, id FROM tag_ids ON CONFLICT DO NOTHING"""

_ORDER = {
    "start_time": "e.start_time ASC, e.id ASC",
    "-start_time": "e.start_time DESC, e.id DESC",
    "duration": "e.duration_minutes ASC, e.start_time ASC, e.id ASC",
    "-duration": "e.duration_minutes DESC, e.start_time DESC, e.id DESC",
    "created_at": "e.created_at ASC, e.id ASC",
    "-created_at": "e.created_at DESC, e.id DESC",
    "title": "lower(e.title) ASC, e.start_time DESC, e.id ASC",
}


def _like(q: str) -> str:
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def filter_sql(user_id: Any, q: EntryFilters, span: Span) -> tuple[str, list[Any]]:
    """(WHERE condition over `log_entries e`, its params): the user's entries starting in
    [span.start, span.end) that match the filters. Shared by the list and the exports."""
    params: list[Any] = [user_id]
    where = ["e.user_id = $1"]

    def arg(value: Any) -> str:
        params.append(value)
        return f"${len(params)}"

    if span.start is not None:
        where.append(f"e.start_time >= {arg(span.start)}")
    if span.end is not None:
        where.append(f"e.start_time < {arg(span.end)}")
    if q.project_id is not None:
        where.append(f"e.project_id = {arg(q.project_id)}")
    if q.type:
        where.append(f"e.type = ANY({arg([t.value for t in q.type])}::text[])")
    if q.tags:
        where.append(f"""EXISTS (SELECT 1 FROM log_entry_tags lt JOIN tags t ON t.id = lt.tag_id
            WHERE lt.log_entry_id = e.id AND t.name = ANY({arg(q.tags)}::text[]))""")
    if q.value_rating is not None:
        where.append(f"e.value_rating = {arg(q.value_rating.value)}")
    if q.impact_level is not None:
        where.append(f"e.impact_level = {arg(q.impact_level.value)}")
    if q.q and q.q.strip():
        pattern = arg(_like(q.q.strip()))
        where.append(f"(e.title ILIKE {pattern} OR e.description ILIKE {pattern})")
    return " AND ".join(where), params


def list_sql(user_id: Any, q: EntryQuery, span: Span) -> tuple[str, list[Any], str, list[Any]]:
    """(page SQL, its params, count SQL, its params); `span` is the resolved start_date/end_date
    (entries starting in [span.start, span.end))."""
    cond, params = filter_sql(user_id, q, span)
    order = _ORDER[q.sort]
    count_sql = f"SELECT count(*) AS n FROM log_entries e WHERE {cond}"
    count_params = list(params)
    params += [q.limit, q.offset]
    limit, offset = f"${len(params) - 1}", f"${len(params)}"
    # Page first, then project names and tags for that page only (no N+1, no work on
    # rows that are cut by LIMIT).
    page_sql = f"""SELECT {COLUMNS}, {TAGS_EXPR}, e.total
FROM (SELECT e.*, count(*) OVER () AS total FROM log_entries e WHERE {cond}
      ORDER BY {order} LIMIT {limit} OFFSET {offset}) e
LEFT JOIN projects p ON p.id = e.project_id
ORDER BY {order}"""
    return page_sql, params, count_sql, count_params
