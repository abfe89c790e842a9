"""Query models of /v1/export/*: the period, the GET /v1/logs filters, a report id."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from backend.analytics.periods import MAX_SPAN_DAYS
from backend.api.errors import field_error
from backend.api.periods import PeriodBound, Span, end_field, resolve_span, start_field
from backend.logs.schemas import EntryFilters, EntryOut
from backend.projects.schemas import ProjectOut
from backend.tags.schemas import TagOut

NAMES = ("period_start", "period_end")


class ExportQuery(BaseModel):
    """GET /v1/export/csv: entries starting in the period; an open end means no bound."""

    model_config = ConfigDict(extra="forbid")

    period_start: PeriodBound | None = start_field(
        "Entries that start at or after it. Default: no lower bound.")
    period_end: PeriodBound | None = end_field(
        "Entries that start before it. Default: no upper bound.")

    def span(self, tz: str) -> Span:
        return resolve_span(self.period_start, self.period_end, tz, names=NAMES)


class JsonExportQuery(EntryFilters, ExportQuery):
    """GET /v1/export/json: the period plus every filter of GET /v1/logs."""


class PdfQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    period_start: PeriodBound | None = start_field(
        "Required unless report_id is given (then it defaults to the report's first day).")
    period_end: PeriodBound | None = end_field(
        "Required unless report_id is given (then it defaults to the report's last day).")
    report_id: uuid.UUID | None = None

    def bounds(self, report_dates: tuple[date, date] | None) -> tuple[
            date | datetime, date | datetime]:
        """The period's two bounds; a report's own days fill in a missing pair."""
        start, end = self.period_start, self.period_end
        if start is None and end is None and report_dates is not None:
            return report_dates
        if start is None:
            raise field_error("period_start", "required (or give report_id alone)")
        if end is None:
            raise field_error("period_end", "required (or give report_id alone)")
        return start, end

    @staticmethod
    def bounded(span: Span) -> Span:
        assert span.start is not None and span.end is not None
        if span.end - span.start > timedelta(days=MAX_SPAN_DAYS):
            raise field_error("period_end", f"the period may span at most {MAX_SPAN_DAYS} days")
        return span


# --- responses (documentation of the streamed JSON document) ------------------------------

class ExportPeriod(BaseModel):
    start: str | None = Field(description="Inclusive start instant (RFC 3339); null: open.")
    end: str | None = Field(description="Exclusive end instant (RFC 3339); null: open.")


class JsonExport(BaseModel):
    """GET /v1/export/json. Entries are oldest first, in GET /v1/logs's shape; projects and
    tags as GET /v1/projects and GET /v1/tags list them (all of yours, not only those the
    entries use)."""

    format_version: int
    exported_at: str
    timezone: str
    period: ExportPeriod
    filters: dict[str, Any] = Field(description="The filters applied, as given.")
    projects: list[ProjectOut]
    tags: list[TagOut]
    entries: list[EntryOut]
