"""Tag names -> tag ids for one user, creating the user's own tags on first use.

A name that matches a predefined tag (user_id IS NULL) uses that tag; otherwise the
user's own tag is used or created. A user's own tags are never visible to anyone else.

The SQL is also offered as CTE text (`tag_ctes`) so the entry insert can resolve tags,
insert the entry and link them in one statement, i.e. one round trip.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any


def tag_ctes(user: str, names: str, guard: str = "TRUE") -> str:
    """CTEs ending in `tag_ids(id, name)`. `user`/`names` are placeholders ($1, $2 ...);
    `guard` is an SQL boolean: when false no tag is created (e.g. the entry is refused).

    Names must already be normalised (backend.tags.names.normalize_tags).
    """
    # Conflicts only happen when a concurrent request created the same tag after this
    # statement's snapshot was taken. DO NOTHING would then return no row and the
    # snapshot cannot see the other row either, so the link would be silently lost;
    # the no-op DO UPDATE returns the committed row instead. Inserting in name order
    # makes concurrent requests take the unique-index locks in the same order (no deadlock).
    return f"""
tag_names AS (SELECT DISTINCT unnest({names}::text[]) AS name),
tag_known AS (
    SELECT DISTINCT ON (t.name) t.id, t.name
    FROM tags t JOIN tag_names n ON n.name = t.name
    WHERE t.user_id IS NULL OR t.user_id = {user}
    ORDER BY t.name, t.user_id NULLS FIRST
),
tag_new AS (
    INSERT INTO tags (user_id, name, is_predefined)
    SELECT {user}, n.name, FALSE FROM tag_names n
    WHERE ({guard}) AND NOT EXISTS (SELECT 1 FROM tag_known k WHERE k.name = n.name)
    ORDER BY n.name
    ON CONFLICT (user_id, name) WHERE user_id IS NOT NULL DO UPDATE SET name = EXCLUDED.name
    RETURNING id, name
),
tag_ids AS (SELECT id, name FROM tag_known UNION ALL SELECT id, name FROM tag_new)"""


def batch_tag_ctes(wanted: str) -> str:
    """tag_ctes for many users at once: CTEs ending in `tag_ids(user_id, id, name)`.
    `wanted` names a relation of (user_id, name) pairs, distinct. Same resolution rules and
    the same lock order (user, then name) as tag_ctes, so concurrent writers never deadlock
    on the tag unique indexes."""
    return f"""
tag_known AS (
    SELECT DISTINCT ON (w.user_id, w.name) w.user_id, t.id, w.name
    FROM {wanted} w JOIN tags t ON t.name = w.name
        AND (t.user_id IS NULL OR t.user_id = w.user_id)
    ORDER BY w.user_id, w.name, t.user_id NULLS FIRST
),
tag_new AS (
    INSERT INTO tags (user_id, name, is_predefined)
    SELECT w.user_id, w.name, FALSE FROM {wanted} w
    WHERE NOT EXISTS (SELECT 1 FROM tag_known k WHERE k.user_id = w.user_id AND k.name = w.name)
    ORDER BY w.user_id, w.name
    ON CONFLICT (user_id, name) WHERE user_id IS NOT NULL DO UPDATE SET name = EXCLUDED.name
    RETURNING user_id, id, name
),
tag_ids AS (SELECT user_id, id, name FROM tag_known
            UNION ALL SELECT user_id, id, name FROM tag_new)"""


RESOLVE_SQL = "WITH " + tag_ctes("$1::uuid", "$2") + "\nSELECT id, name FROM tag_ids"


async def resolve_tag_ids(
    conn: Any, user_id: uuid.UUID | str, names: Sequence[str]
) -> dict[str, uuid.UUID]:
    """{name: tag id} for normalised `names`, creating missing user tags. `conn` is a
    Tortoise connection (pass the transaction's to make it part of a larger write)."""
    if not names:
        return {}
    rows = await conn.execute_query_dict(RESOLVE_SQL, [_uuid(user_id), list(names)])
    return {r["name"]: r["id"] for r in rows}


def _uuid(v: uuid.UUID | str) -> uuid.UUID:
    return v if isinstance(v, uuid.UUID) else uuid.UUID(str(v))
