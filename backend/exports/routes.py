"""/v1/export: the user's entries as CSV or JSON (streamed), and the performance-review PDF."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, raw
from sanic_ext import openapi

from backend.api.docs import doc
from backend.api.errors import field_error
from backend.api.periods import Span, covered_dates, resolve_span, zone
from backend.api.validation import parse_query
from backend.auth.guard import authenticated
from backend.exports import csv_rows, json_doc
from backend.exports.entries import entry_batches
from backend.exports.pdf import build, sources
from backend.exports.schemas import NAMES, ExportQuery, JsonExport, JsonExportQuery, PdfQuery
from backend.exports.streaming import attachment, stream

bp = Blueprint("exports", url_prefix="/v1/export")
TAG = "exports"
CSV_TYPE = "text/csv; charset=utf-8; header=present"
BINARY = {"type": "string", "format": "binary"}


def _filename(kind: str, span: Span, tz: str, ext: str) -> str:
    """englog-<kind>-<first local day>-to-<last local day>.<ext>"""
    if span.start is None and span.end is None:
        return f"englog-{kind}.{ext}"
    z = zone(tz)
    first = span.start.astimezone(z).date().isoformat() if span.start else "start"
    last = ((span.end - timedelta(microseconds=1)).astimezone(z).date().isoformat()
            if span.end else "now")
    return f"englog-{kind}-{first}-to-{last}.{ext}"


@bp.get("/csv")
@openapi.response(200, {"text/csv": BINARY}, "RFC 4180 CSV, UTF-8, header row, streamed")
@doc("Your entries as CSV (streamed)", tag=TAG, query=ExportQuery,
     description="One row per entry whose start_time lies in the period, oldest first. RFC "
     "4180 (CRLF, quoted where needed), UTF-8, a header row. Columns: id, date, start_time, "
     "end_time (your timezone, RFC 3339), duration_minutes, type, title, description, project, "
     "tags (joined with ;), value_rating, impact_level. A cell starting with =, +, - or @ "
     "gets a leading ' so spreadsheets do not run it as a formula. Without a period: every "
     "entry. Streamed in batches, so any number of entries can be exported.")
@authenticated
async def export_csv(request: Request) -> None:
    q = parse_query(request, ExportQuery)
    user = request.ctx.user
    span = q.span(user.timezone)

    async def chunks():
        yield csv_rows.header()
        async for rows in entry_batches(user.id, span):
            yield csv_rows.batch(rows, user.timezone)

    await stream(request, chunks(), CSV_TYPE, _filename("entries", span, user.timezone, "csv"))


@bp.get("/json")
@doc("Your entries, projects and tags as JSON (streamed)", tag=TAG, query=JsonExportQuery,
     response=JsonExport,
     description="For integrations. Takes the filters of GET /v1/logs (project_id, type, "
     "tags, value_rating, impact_level, q) and the period as period_start/period_end. "
     "Entries are oldest first, in GET /v1/logs's shape; projects and tags are all of yours. "
     "Streamed, so any number of entries can be exported.")
@authenticated
async def export_json(request: Request) -> None:
    q = parse_query(request, JsonExportQuery, lists=("tags", "type"))
    user = request.ctx.user
    span = q.span(user.timezone)
    filters = q.model_copy(update={"period_start": None, "period_end": None})
    await stream(request, json_doc.document(user.id, user.timezone, span, filters),
                 "application/json", _filename("export", span, user.timezone, "json"))


@bp.get("/pdf")
@openapi.response(200, {"application/pdf": BINARY}, "The performance-review PDF")
@doc("A performance-review PDF of a period", tag=TAG, query=PdfQuery, errors=[404],
     description="Cover (you and the period); facts (totals; time by type, project, value "
     "and impact as tables and bar charts; the 9 metrics), computed like the dashboard; the "
     "narrative, with its citations, of your newest completed report of exactly this "
     "period's days (or of report_id); an appendix table of the entries (the first 5,000), "
     "its header repeated on every page. With report_id alone the period is the report's; "
     "with both, the period must cover the report's days. 404 for a report that is not "
     "yours; 422 for one that is not completed.")
@authenticated
async def export_pdf(request: Request) -> HTTPResponse:
    q = parse_query(request, PdfQuery)
    user = request.ctx.user
    tz = user.timezone
    report = await sources.own_report(user.id, q.report_id) if q.report_id else None
    days: tuple[date, date] | None = (report.period_start, report.period_end) if report else None
    start, end = q.bounds(days)
    span = PdfQuery.bounded(resolve_span(start, end, tz, names=NAMES))
    covered = covered_dates(span, tz)
    if report is None:
        report = await sources.latest_report(user.id, *covered)
    elif covered != days:
        raise field_error("report_id", f"the report covers {days[0]} to {days[1]}; leave "
                          "period_start and period_end out, or give that period")
    data = await sources.gather(user, span, report)
    # fpdf2 is CPU-bound: a thread keeps the event loop answering other requests meanwhile.
    body = await asyncio.to_thread(build.render, data)
    return raw(body, content_type="application/pdf",
               headers=attachment(_filename("review", span, tz, "pdf")))
