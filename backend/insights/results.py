"""What happens to an insight when its generate_insight task progresses, completes or fails.

These run inside the queue's transaction that updates the task row (see queue.handlers), so
the report, its status and the "report ready" email commit together, whether or not the
client that asked for the report is still connected.
"""

from __future__ import annotations

import json
import logging
from html import escape
from typing import Any

from englog.v1 import tasks_pb2 as pb
from google.protobuf import json_format

from backend.insights import views
from backend.queue.handlers import on_complete, on_failed, on_progress
from backend.queue.service import enqueue

log = logging.getLogger("englog.insights")

TASK_TYPE = "generate_insight"
MAX_ERROR_CHARS = 2000

_COMPLETE_SQL = """
UPDATE generated_insights SET status = 'completed', content = $3,
       title = left(coalesce(nullif(btrim($2), ''), initcap(report_type) || ' report, '
                             || period_start || ' to ' || period_end), 200),
       summary = $4, model = left($5, 200), prompt_tokens = $6, completion_tokens = $7,
       generation_ms = $8, metadata = metadata || $9::jsonb, progress = 100,
       stage = 'completed', error = NULL, completed_at = now(), updated_at = now()
WHERE id = $1 AND status <> 'completed'
RETURNING id, user_id, report_type, period_start, period_end, fingerprint, title, summary
"""

_FAILED_SQL = """
UPDATE generated_insights SET status = 'failed', error = $2, stage = 'failed',
       completed_at = now(), updated_at = now()
WHERE id = $1 AND status IN ('queued', 'running')
"""

_PROGRESS_SQL = """
UPDATE generated_insights SET status = 'running', progress = $2, stage = left($3, 100),
       updated_at = now()
WHERE id = $1 AND status IN ('queued', 'running')
"""


def _clean(text: str) -> str:
    # PostgreSQL text cannot hold NUL; a model can emit one.
    return (text or "").replace("\x00", "")


def _insight_id(task_row: dict) -> str | None:
    payload = task_row.get("payload") or {}
    if isinstance(payload, str):
        payload = json.loads(payload)
    return payload.get("insight_id") or None


def _as_response(task_row: dict, result_msg: Any) -> pb.GenerateInsightResponse | None:
    if isinstance(result_msg, pb.GenerateInsightResponse):
        return result_msg
    result = task_row.get("result")
    if isinstance(result, dict) and result:
        return json_format.ParseDict(result, pb.GenerateInsightResponse())
    return None


def report_ready_email(*, to: str, first_name: str, user_id: Any, insight_id: Any,
                       report_type: str, start: Any, end: Any, title: str,
                       summary: str) -> dict:
    """A SendEmailRequest as a dict (proto field names)."""
    name = first_name.strip() or "there"
    path = views.links(insight_id)["self"]
    text = (f"Hi {name},\n\nYour {report_type} report for {start} to {end} is ready: "
            f"{title}\n\n{summary.strip() + chr(10) + chr(10) if summary.strip() else ''}"
            f"Open it under Reports in the EngLog app, or fetch it with GET {path}.\n"
            f"Report id: {insight_id}\n\n- EngLog\n")
    html = (f"<p>Hi {escape(name)},</p><p>Your {escape(report_type)} report for "
            f"{escape(str(start))} to {escape(str(end))} is ready: <strong>{escape(title)}"
            "</strong></p>"
            + (f"<p>{escape(summary.strip())}</p>" if summary.strip() else "")
            + f"<p>Open it under Reports in the EngLog app, or fetch it with "
            f"<code>GET {escape(path)}</code>.<br>Report id: <code>{insight_id}</code></p>"
            "<p>- EngLog</p>")
    return {"to": to, "subject": f"Your {report_type} report is ready", "text_body": text,
            "html_body": html, "kind": "report_ready", "user_id": str(user_id)}


async def enqueue_ready_email(report: dict, conn: Any) -> bool:
    """Queue the "report ready" email unless the user turned it off. One per report."""
    users = await conn.execute_query_dict(
        "SELECT email, first_name, preferences FROM users WHERE id = $1 AND is_active",
        [report["user_id"]])
    if not users:
        return False
    prefs = users[0]["preferences"]
    prefs = json.loads(prefs) if isinstance(prefs, str) else (prefs or {})
    if prefs.get("report_ready_email") is False:
        return False
    email = report_ready_email(
        to=users[0]["email"], first_name=users[0]["first_name"], user_id=report["user_id"],
        insight_id=report["id"], report_type=report["report_type"],
        start=report["period_start"], end=report["period_end"], title=report["title"],
        summary=report["summary"])
    await enqueue("send_email", email, user_id=report["user_id"], priority=50,
                  dedupe_key=f"report_ready:{report['id']}", conn=conn)
    return True


@on_complete(TASK_TYPE)
async def store_result(task_row: dict, result_msg: Any, conn: Any, cache: Any = None) -> None:
    insight_id = _insight_id(task_row)
    if insight_id is None:
        log.error("generate_insight task %s has no insight_id", task_row.get("id"))
        return
    msg = _as_response(task_row, result_msg)
    if msg is None or not msg.content_markdown.strip():
        await mark_failed(task_row, "the worker finished without a report", conn)
        return
    metadata = {"backend": msg.backend, "dropped_sentences": msg.dropped_sentences,
                "fingerprint": msg.fingerprint, "attempts": int(task_row.get("attempts") or 0),
                "task_id": str(task_row.get("id") or ""), "model_calls": msg.model_calls,
                # How the sentence check treated each narrative section (issue 8).
                "sentence_checks": [{"section": s.section, "kept": s.kept,
                                     "regenerated": s.regenerated, "replaced": s.replaced}
                                    for s in msg.sentence_checks]}
    rows = await conn.execute_query_dict(_COMPLETE_SQL, [
        insight_id, _clean(msg.title), _clean(msg.content_markdown), _clean(msg.summary),
        _clean(msg.model), max(0, msg.prompt_tokens), max(0, msg.completion_tokens),
        max(0, msg.generation_ms), json.dumps(metadata)])
    if not rows:
        return  # deleted meanwhile, or a repeated completion: nothing more to do
    report = rows[0]
    await enqueue_ready_email(report, conn)
    await _cache(report, conn, cache)


async def _cache(report: dict, conn: Any, cache: Any) -> None:
    if cache is None:  # outside the API process (scripts, tests): the DB copy is enough
        return
    row = await views.fetch_one(report["user_id"], report["id"], conn)
    if row is not None:
        key = views.cache_key(cache, report["user_id"], report["report_type"],
                              report["period_start"], report["period_end"],
                              report["fingerprint"])
        await cache.set_json(key, views.full_json(row), views.CACHE_TTL_SECONDS)


@on_failed(TASK_TYPE)
async def mark_failed(task_row: dict, error: str, conn: Any) -> None:
    insight_id = _insight_id(task_row)
    if insight_id is None:
        return
    attempts = int(task_row.get("attempts") or 0)
    times = f" after {attempts} attempt{'s' if attempts != 1 else ''}" if attempts else ""
    text = f"Report generation failed{times}: {_clean(error).strip() or 'unknown error'}"
    await conn.execute_query(_FAILED_SQL, [insight_id, text[:MAX_ERROR_CHARS]])


@on_progress(TASK_TYPE)
async def record_progress(task_row: dict, percent: int, stage: str, conn: Any) -> None:
    insight_id = _insight_id(task_row)
    if insight_id is None:
        return
    await conn.execute_query(_PROGRESS_SQL, [insight_id, max(0, min(100, int(percent))),
                                             _clean(stage)])
