"""Every API endpoint the TUI and the shell verbs call: the only place in tui/ that spells a
`/v1` path (tests/tui/test_endpoints.py enforces it), with typed helpers over ApiClient.

Responses are TypedDicts rather than models: the screens index them like the JSON they are,
and nothing here validates at run time (the API's OpenAPI contract is checked by
tests/contract). Field names are the product spec's. The module imports nothing heavy, so the
shell verbs can use it without loading Textual.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, NotRequired, TypedDict, TypeVar

if TYPE_CHECKING:
    from tui.api.client import ApiClient

T = TypeVar("T")


class Endpoint(NamedTuple):
    """A method and a path; `{name}` placeholders are filled by `path(**ids)`.

    A NamedTuple rather than a frozen dataclass: `englog status` imports this module for
    one path before anything else, and dataclasses pulls in `inspect` (~15 ms)."""

    method: str
    template: str

    def path(self, **ids: Any) -> str:
        return self.template.format(**ids)


# -- the endpoints ---------------------------------------------------------------------------
AUTH_REGISTER = Endpoint("POST", "/v1/auth/register")
AUTH_LOGIN = Endpoint("POST", "/v1/auth/login")
AUTH_REFRESH = Endpoint("POST", "/v1/auth/refresh")
AUTH_LOGOUT = Endpoint("POST", "/v1/auth/logout")
AUTH_ME = Endpoint("GET", "/v1/auth/me")

LOGS_LIST = Endpoint("GET", "/v1/logs")
LOGS_CREATE = Endpoint("POST", "/v1/logs")
LOG_UPDATE = Endpoint("PATCH", "/v1/logs/{entry_id}")
LOG_DELETE = Endpoint("DELETE", "/v1/logs/{entry_id}")
LOG_RESTORE = Endpoint("POST", "/v1/logs/{entry_id}/restore")  # undo the last edit/delete
LOGS_OVERLAPS = Endpoint("GET", "/v1/logs/overlaps")

TIMER_START = Endpoint("POST", "/v1/timers/start")
TIMER_CURRENT = Endpoint("GET", "/v1/timers/current")
TIMER_UPDATE = Endpoint("PATCH", "/v1/timers/current")
TIMER_STOP = Endpoint("POST", "/v1/timers/stop")
TIMER_CANCEL = Endpoint("POST", "/v1/timers/cancel")
TIMER_BACKFILL = Endpoint("POST", "/v1/timers/backfill")
TIMER_SWITCH = Endpoint("POST", "/v1/timers/switch")
TIMER_RESTART = Endpoint("POST", "/v1/timers/restart")

PROJECTS_LIST = Endpoint("GET", "/v1/projects")
PROJECTS_CREATE = Endpoint("POST", "/v1/projects")
PROJECT_UPDATE = Endpoint("PATCH", "/v1/projects/{project_id}")
PROJECT_DELETE = Endpoint("DELETE", "/v1/projects/{project_id}")
PROJECT_STATS = Endpoint("GET", "/v1/projects/{project_id}/stats")

TAGS_LIST = Endpoint("GET", "/v1/tags")

PROFILE_GET = Endpoint("GET", "/v1/users/profile")
PROFILE_PUT = Endpoint("PUT", "/v1/users/profile")
PREFERENCES_GET = Endpoint("GET", "/v1/users/preferences")
PREFERENCES_PUT = Endpoint("PUT", "/v1/users/preferences")

ANALYTICS_DASHBOARD = Endpoint("GET", "/v1/analytics/dashboard")
ANALYTICS_DISTRIBUTION = Endpoint("GET", "/v1/analytics/time-distribution")
ANALYTICS_TRENDS = Endpoint("GET", "/v1/analytics/productivity-trends")

INSIGHTS_LIST = Endpoint("GET", "/v1/insights")
INSIGHTS_GENERATE = Endpoint("POST", "/v1/insights/generate")
INSIGHT_GET = Endpoint("GET", "/v1/insights/{report_id}")
INSIGHT_EVENTS = Endpoint("GET", "/v1/insights/{report_id}/events")

EXPORT = Endpoint("GET", "/v1/export/{fmt}")  # fmt: csv | json | pdf
CALENDAR_IMPORT = Endpoint("POST", "/v1/import/calendar")

ACCOUNT_EXPORT = Endpoint("GET", "/v1/users/me/export")
ACCOUNT_DELETE = Endpoint("DELETE", "/v1/users/me")
DELETION_GET = Endpoint("GET", "/v1/users/me/deletion")
DELETION_SCHEDULE = Endpoint("POST", "/v1/users/me/deletion")
DELETION_CANCEL = Endpoint("DELETE", "/v1/users/me/deletion")

ALL: tuple[Endpoint, ...] = tuple(v for v in dict(globals()).values() if isinstance(v, Endpoint))


# -- response shapes -------------------------------------------------------------------------
class Page(TypedDict, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


class User(TypedDict, total=False):
    id: str
    email: str
    first_name: str
    last_name: str
    timezone: str


class Session(TypedDict):
    access_token: str
    refresh_token: str
    user: NotRequired[User]


class Entry(TypedDict):
    id: str
    title: str
    description: str
    type: str
    project_id: str | None
    project_name: str | None
    tags: list[str]
    start_time: str
    end_time: str
    duration_minutes: int
    value_rating: str
    impact_level: str
    created_at: str
    updated_at: str


class Overlap(TypedDict):
    """Another entry of the user's whose time overlaps the one written or asked about."""

    id: str
    title: str
    start_time: str
    end_time: str


class WrittenEntry(Entry):
    """A single write's answer: the entry and the entries it overlaps (a warning)."""

    overlaps: list[Overlap]


class Timer(TypedDict):
    title: str
    description: str
    type: str
    project_id: str | None
    tags: list[str]
    value_rating: str
    impact_level: str
    started_at: str
    elapsed_seconds: int


class TimerState(TypedDict):
    running: bool
    timer: Timer | None


class Switched(TypedDict):
    stopped: WrittenEntry
    timer: Timer


class Project(TypedDict, total=False):
    id: str
    name: str
    description: str
    status: str


class Preferences(TypedDict, total=False):
    weekly_report_email: bool
    report_ready_email: bool
    week_start: str
    default_activity_type: str
    default_value_rating: str
    default_impact_level: str
    daily_goal_hours: float
    theme: str
    end_of_day_reminder_email: bool
    end_of_day_reminder_time: str  # HH:MM in the user's timezone
    end_of_day_reminder_days: list[str]


class Report(TypedDict, total=False):
    id: str
    report_type: str
    period_start: str
    period_end: str
    status: str
    progress: int
    stage: str
    title: str
    summary: str
    error: str | None
    created_at: str
    completed_at: str | None
    content: str  # the Markdown; only on GET of one report


# -- typed helpers ---------------------------------------------------------------------------
def _clean(params: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in params.items() if v not in (None, "", [])}


async def call(api: ApiClient, ep: Endpoint, body: Any = None, *, params: dict | None = None,
               ids: dict[str, Any] | None = None, auth: bool = True, **kw: Any) -> Any:
    """Send `ep` (the one generic way; the helpers below type the common calls)."""
    if params:
        kw["params"] = _clean(params)
    if body is not None:
        kw["json"] = body
    return await api.request(ep.method, ep.path(**(ids or {})), auth=auth, **kw)


async def me(api: ApiClient) -> dict[str, Any]:
    return await call(api, AUTH_ME)


async def list_logs(api: ApiClient, **params: Any) -> Page[Entry]:
    """One page of entries; params are GET /v1/logs's filters (limit, offset, start_date…)."""
    return await call(api, LOGS_LIST, params=params)


async def all_logs(api: ApiClient, cap: int = 2000, **params: Any) -> list[Entry]:
    """Every entry matching `params` (up to `cap`), 200 at a time."""
    items: list[Entry] = []
    while len(items) < cap:
        page = await list_logs(api, limit=200, offset=len(items), **params)
        batch = page.get("items", [])
        items.extend(batch)
        if not batch or len(items) >= page.get("total", 0):
            break
    return items


async def create_log(api: ApiClient, body: dict[str, Any],
                     idempotency_key: str | None = None) -> Entry:
    headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
    return await call(api, LOGS_CREATE, body, headers=headers)


async def update_log(api: ApiClient, entry_id: str, body: dict[str, Any]) -> Entry:
    return await call(api, LOG_UPDATE, body, ids={"entry_id": entry_id})


async def delete_log(api: ApiClient, entry_id: str) -> None:
    await call(api, LOG_DELETE, ids={"entry_id": entry_id})


async def restore_log(api: ApiClient, entry_id: str) -> Entry:
    """Undo the entry's newest edit or deletion: it comes back exactly, with its id."""
    return await call(api, LOG_RESTORE, ids={"entry_id": entry_id})


async def overlaps(api: ApiClient, start_time: str, end_time: str,
                   exclude_id: str | None = None, limit: int = 50) -> Page[Overlap]:
    """The user's entries overlapping [start_time, end_time), asked before saving."""
    return await call(api, LOGS_OVERLAPS, params={
        "start_time": start_time, "end_time": end_time, "exclude_id": exclude_id,
        "limit": limit})


async def switch_timer(api: ApiClient, body: dict[str, Any]) -> Switched:
    """Log the running timer and start the next at the same instant (one transaction)."""
    return await call(api, TIMER_SWITCH, body)


async def restart_timer(api: ApiClient, entry_id: str | None = None) -> Timer:
    """Start a timer saying what an entry said (by default the one that ended last)."""
    return await call(api, TIMER_RESTART, {"entry_id": entry_id} if entry_id else None)


async def start_timer(api: ApiClient, body: dict[str, Any]) -> Timer:
    return await call(api, TIMER_START, body)


async def current_timer(api: ApiClient) -> TimerState:
    return await call(api, TIMER_CURRENT)


async def update_timer(api: ApiClient, body: dict[str, Any]) -> Timer:
    return await call(api, TIMER_UPDATE, body)


async def stop_timer(api: ApiClient, body: dict[str, Any] | None = None) -> Entry:
    return await call(api, TIMER_STOP, body or {})


async def cancel_timer(api: ApiClient) -> None:
    await call(api, TIMER_CANCEL, {})


async def backfill(api: ApiClient, body: dict[str, Any]) -> Entry:
    return await call(api, TIMER_BACKFILL, body)


async def list_projects(api: ApiClient, limit: int = 200, **params: Any) -> Page[Project]:
    return await call(api, PROJECTS_LIST, params={"limit": limit, **params})


async def create_project(api: ApiClient, body: dict[str, Any]) -> Project:
    return await call(api, PROJECTS_CREATE, body)


async def update_project(api: ApiClient, project_id: str, body: dict[str, Any]) -> Project:
    return await call(api, PROJECT_UPDATE, body, ids={"project_id": project_id})


async def delete_project(api: ApiClient, project_id: str) -> None:
    await call(api, PROJECT_DELETE, ids={"project_id": project_id})


async def project_stats(api: ApiClient, project_id: str) -> dict[str, Any]:
    return await call(api, PROJECT_STATS, ids={"project_id": project_id})


async def list_tags(api: ApiClient, limit: int = 200) -> Page[dict[str, Any]]:
    return await call(api, TAGS_LIST, params={"limit": limit})


async def get_profile(api: ApiClient) -> User:
    return await call(api, PROFILE_GET)


async def put_profile(api: ApiClient, body: dict[str, Any]) -> User:
    return await call(api, PROFILE_PUT, body)


async def get_preferences(api: ApiClient) -> Preferences:
    return await call(api, PREFERENCES_GET)


async def put_preferences(api: ApiClient, body: dict[str, Any]) -> Preferences:
    return await call(api, PREFERENCES_PUT, body)


async def analytics_dashboard(api: ApiClient, **params: Any) -> dict[str, Any]:
    return await call(api, ANALYTICS_DASHBOARD, params=params)


async def time_distribution(api: ApiClient, **params: Any) -> dict[str, Any]:
    return await call(api, ANALYTICS_DISTRIBUTION, params=params)


async def productivity_trends(api: ApiClient, **params: Any) -> dict[str, Any]:
    return await call(api, ANALYTICS_TRENDS, params=params)


async def list_reports(api: ApiClient, limit: int = 100) -> Page[Report]:
    return await call(api, INSIGHTS_LIST, params={"limit": limit})


async def generate_report(api: ApiClient, body: dict[str, Any]) -> Report:
    return await call(api, INSIGHTS_GENERATE, body)


async def get_report(api: ApiClient, report_id: str) -> Report:
    return await call(api, INSIGHT_GET, ids={"report_id": report_id})


def report_events(api: ApiClient, report_id: str
                  ) -> AsyncIterator[tuple[str, dict[str, Any]]]:
    """The report's Server-Sent Events: (event, state) as the worker progresses."""
    return api.events(INSIGHT_EVENTS.path(report_id=report_id))


async def import_calendar(api: ApiClient, data: bytes, fields: dict[str, str]
                          ) -> dict[str, Any]:
    # Multipart, so a long list of chosen keys travels in the body, not the URL.
    return await call(api, CALENDAR_IMPORT,
                      files={"file": ("calendar.ics", data, "text/calendar")}, data=fields)


async def get_deletion(api: ApiClient) -> dict[str, Any]:
    return await call(api, DELETION_GET)


async def schedule_deletion(api: ApiClient, after_days: int) -> dict[str, Any]:
    return await call(api, DELETION_SCHEDULE, {"after_days": after_days})


async def cancel_deletion(api: ApiClient) -> None:
    await call(api, DELETION_CANCEL)


async def delete_account(api: ApiClient, body: dict[str, Any]) -> None:
    await call(api, ACCOUNT_DELETE, body)


def export_path(fmt: str) -> str:
    """The path of a streamed export (csv, json or pdf), for ApiClient.download."""
    return EXPORT.path(fmt=fmt)
