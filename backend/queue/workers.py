"""The latest health each worker reported (with every Heartbeat and Claim), for /health."""

from __future__ import annotations

import orjson

from backend.db.setup import db
from backend.queue.settings import get_queue_settings

_FIELDS = ("version", "llm_backend", "llm_model", "llm_ok", "smtp_ok", "detail", "concurrency",
           "busy")


async def record_health(worker_id: str, health: dict, peer: str = "",
                        metrics: dict | None = None) -> None:
    """`metrics` (the worker's own figures, from a heartbeat) replaces the stored ones when
    given; a Claim carries none and leaves them as they are."""
    values = [health.get(f) for f in _FIELDS]
    defaults = ["", "", "", False, False, "", 0, 0]
    values = [d if v is None else v for v, d in zip(values, defaults, strict=True)]
    await db().execute_query(
        """
        INSERT INTO worker_status (worker_id, version, llm_backend, llm_model, llm_ok, smtp_ok,
                                   detail, concurrency, busy, peer, last_seen, metrics)
        VALUES ($1, left($2, 100), left($3, 50), left($4, 200), $5, $6, $7, $8, $9,
                left($10, 200), now(), coalesce($11::jsonb, '{}'::jsonb))
        ON CONFLICT (worker_id) DO UPDATE SET
            version = EXCLUDED.version, llm_backend = EXCLUDED.llm_backend,
            llm_model = EXCLUDED.llm_model, llm_ok = EXCLUDED.llm_ok,
            smtp_ok = EXCLUDED.smtp_ok, detail = EXCLUDED.detail,
            concurrency = EXCLUDED.concurrency, busy = EXCLUDED.busy, peer = EXCLUDED.peer,
            last_seen = now(), metrics = coalesce($11::jsonb, worker_status.metrics)
        """,
        [worker_id[:200], *values, peer,
         orjson.dumps(metrics).decode() if metrics is not None else None],
    )


async def list_workers(stale_seconds: float | None = None) -> list[dict]:
    """Workers seen in the last day, newest first; `stale` once silent for stale_seconds."""
    if stale_seconds is None:
        stale_seconds = get_queue_settings().worker_stale_seconds
    rows = await db().execute_query_dict(
        """
        SELECT worker_id, llm_backend, llm_model, llm_ok, smtp_ok, busy, concurrency, last_seen,
               last_seen < now() - make_interval(secs => $1::float8) AS stale
        FROM worker_status WHERE last_seen > now() - interval '1 day'
        ORDER BY last_seen DESC LIMIT 50
        """,
        [float(stale_seconds)],
    )
    for r in rows:
        r["last_seen"] = r["last_seen"].isoformat()
    return rows
