"""The product spec's contract, copied by hand from ../shared/spec/000_72d724eff350f5b7.txt
(section "API Design": "Core Endpoints" and "Request/Response Models"; the database schema;
the analytics engine's ProductivityMetrics). Kept here as data on purpose: the test compares
the API with what the spec says, not with a parse of it that could drift silently.

Where EngLog deliberately differs, docs/SPEC_DIFFERENCES.md says why, and the difference is
named below next to the data it touches.
"""

from __future__ import annotations

ACTIVITY_TYPES = ("meeting", "code", "debug", "docs", "mentoring", "review", "planning",
                  "learning", "ops", "admin")
VALUE_RATINGS = ("low", "medium", "high")
IMPACT_LEVELS = ("personal", "team", "product", "company")
REPORT_TYPES = ("daily", "weekly", "sprint", "monthly", "quarterly", "annual")

# type LogEntryCreate struct (json tags)
LOG_ENTRY_CREATE = ("title", "description", "type", "project_id", "tags", "start_time",
                    "end_time", "value_rating", "impact_level")
LOG_ENTRY_CREATE_REQUIRED = ("title", "type", "start_time", "end_time")

# type LogEntryResponse struct (json tags)
LOG_ENTRY_RESPONSE = ("id", "title", "description", "type", "project_id", "project_name",
                      "tags", "start_time", "end_time", "duration_minutes", "value_rating",
                      "impact_level", "created_at", "updated_at")

# type InsightRequest struct (json tags)
INSIGHT_REQUEST = ("report_type", "period_start", "period_end", "include_projects",
                   "focus_areas")
INSIGHT_REQUEST_REQUIRED = ("report_type",)  # periods default to the current one (row 21)

# type ProductivityMetrics struct (json tags)
PRODUCTIVITY_METRICS = ("average_daily_hours", "peak_productivity_hour", "most_productive_day",
                        "activity_efficiency_score", "focus_time_percentage",
                        "collaboration_ratio", "high_value_percentage", "company_impact_ratio",
                        "value_impact_score")

# CREATE TABLE users, without password_hash: GET/PUT /v1/users/profile.
PROFILE = ("id", "email", "first_name", "last_name", "timezone", "preferences", "created_at",
           "updated_at")

# Project Model, less team_id and created_by (projects are per user: SPEC_DIFFERENCES row 17).
PROJECT = ("id", "name", "description", "status", "start_date", "end_date", "created_at")

# GET /v1/logs?start_date=YYYY-MM-DD&end_date=YYYY-MM-DD&project_id=uuid&type=activity_type
#             &tags=tag1,tag2&value_rating=high&impact_level=company
LOGS_FILTERS = ("start_date", "end_date", "project_id", "type", "tags", "value_rating",
                "impact_level")
# GET /v1/insights?type=report_type&period_start=date&period_end=date
INSIGHTS_FILTERS = ("type", "period_start", "period_end")

# Every period parameter, in bodies and queries: a date or an RFC 3339 timestamp (row 3).
PERIOD_PARAMETERS = {
    ("get", "/v1/logs"): ("start_date", "end_date"),
    ("get", "/v1/insights"): ("period_start", "period_end"),
    ("get", "/v1/analytics/dashboard"): ("start_date", "end_date"),
    ("get", "/v1/analytics/time-distribution"): ("start_date", "end_date"),
    ("get", "/v1/export/pdf"): ("period_start", "period_end"),
    ("get", "/v1/export/csv"): ("period_start", "period_end"),
    ("get", "/v1/export/json"): ("period_start", "period_end"),
    ("post", "/v1/import/calendar"): ("period_start", "period_end"),
}
PERIOD_BODY_FIELDS = {("post", "/v1/insights/generate"): ("period_start", "period_end")}

# Core Endpoints, path parameters written as {} (ours are named differently, which no client
# sees).
ENDPOINTS = (
    ("post", "/v1/auth/login"), ("post", "/v1/auth/refresh"), ("post", "/v1/auth/logout"),
    ("get", "/v1/auth/me"),
    ("post", "/v1/logs"), ("get", "/v1/logs"), ("get", "/v1/logs/{}"), ("put", "/v1/logs/{}"),
    ("delete", "/v1/logs/{}"), ("post", "/v1/logs/bulk"),
    ("get", "/v1/projects"), ("post", "/v1/projects"), ("get", "/v1/projects/{}"),
    ("put", "/v1/projects/{}"), ("delete", "/v1/projects/{}"), ("get", "/v1/projects/{}/stats"),
    ("get", "/v1/tags"), ("post", "/v1/tags"), ("get", "/v1/tags/popular"),
    ("delete", "/v1/tags/{}"),
    ("post", "/v1/insights/generate"), ("get", "/v1/insights"), ("get", "/v1/insights/{}"),
    ("get", "/v1/analytics/dashboard"), ("get", "/v1/analytics/time-distribution"),
    ("get", "/v1/analytics/productivity-trends"),
    ("get", "/v1/users/profile"), ("put", "/v1/users/profile"),
    ("get", "/v1/users/preferences"), ("put", "/v1/users/preferences"),
    ("get", "/v1/export/pdf"), ("get", "/v1/export/csv"), ("post", "/v1/import/calendar"),
)

# Names the API must not speak any more (renamed to the spec's in issue 7).
RETIRED_NAMES = ("activity_type", "peak_hour", "efficiency_score", "focus_time_pct",
                 "high_value_pct", "company_product_impact_ratio")
