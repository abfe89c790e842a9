"""What the PDF is made of, read from the database: the period's facts (the analytics
summary, the same code as the dashboard and report facts), the report whose narrative it
carries, and the entries of its appendix."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID

from backend.analytics.queries import period_summary
from backend.api.errors import field_error, not_found
from backend.api.periods import Span
from backend.db.setup import db
from backend.exports.entries import entry_batches
from backend.insights import views

# A year of a busy engineer is about 1,250 entries (~45 pages); the cap keeps one request's
# PDF bounded. The CSV and JSON exports have no cap.
MAX_APPENDIX_ROWS = 5000

_LATEST_REPORT = """
SELECT id FROM generated_insights
WHERE user_id = $1 AND status = 'completed' AND period_start = $2 AND period_end = $3
ORDER BY completed_at DESC NULLS LAST, created_at DESC, id DESC
LIMIT 1
"""


@dataclass
class Report:
    id: str
    report_type: str
    period_start: date
    period_end: date
    title: str
    content: str
    model: str | None
    completed_at: datetime | None
    metadata: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, row: dict[str, Any]) -> Report:
        meta = row.get("metadata")
        return cls(id=str(row["id"]), report_type=row["report_type"],
                   period_start=row["period_start"], period_end=row["period_end"],
                   title=row["title"] or "", content=row["content"] or "", model=row["model"],
                   completed_at=row["completed_at"],
                   metadata=json.loads(meta) if isinstance(meta, str) else (meta or {}))


@dataclass
class PdfSources:
    user_name: str
    user_email: str
    timezone: str
    summary: dict[str, Any]
    report: Report | None
    entries: list[dict[str, Any]]
    entry_total: int


async def own_report(user_id: UUID, report_id: UUID) -> Report:
    """The user's completed report (404 for another user's or a missing one)."""
    row = await views.fetch_one(user_id, report_id)
    if row is None:
        raise not_found("Report")
    if row["status"] != "completed":
        raise field_error("report_id", f"the report is {row['status']}, not completed")
    return Report.of(row)


async def latest_report(user_id: UUID, first: date, last: date) -> Report | None:
    """The newest completed report of exactly these local days, of any type."""
    rows = await db().execute_query_dict(_LATEST_REPORT, [user_id, first, last])
    if not rows:
        return None
    row = await views.fetch_one(user_id, rows[0]["id"])
    return Report.of(row) if row is not None and row["status"] == "completed" else None


async def gather(user: Any, span: Span, report: Report | None) -> PdfSources:
    assert span.start is not None and span.end is not None
    summary = await period_summary(user.id, span.start, span.end, user.timezone)
    entries: list[dict[str, Any]] = []
    async for rows in entry_batches(user.id, span, limit=MAX_APPENDIX_ROWS):
        entries += rows
    name = " ".join(p for p in (user.first_name, user.last_name) if p).strip()
    return PdfSources(user_name=name or user.email, user_email=user.email,
                      timezone=user.timezone, summary=summary, report=report,
                      entries=entries,
                      entry_total=summary["totals"]["entries"])
