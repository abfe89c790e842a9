"""Home: the running timer (ticking every second), today's entries, this week at a glance."""

from __future__ import annotations

from collections import Counter

from rich.markup import escape
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Static

from tui.actions import BY_ID
from tui.api import endpoints as ep
from tui.keymap import key_of
from tui.screens.base import MainScreen
from tui.screens.common import entries_count, entry_time_range, hm, hms, week_bounds
from tui.widgets.bars import BarChart


class DashboardScreen(MainScreen):
    SCOPE = "dashboard"
    AREA = "Dashboard"
    AUTO_FOCUS = "#today"

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="dash"):
            with Vertical(id="dash-left"):
                yield Static("", id="timer-panel", classes="panel")
                yield DataTable(id="today", classes="panel", cursor_type="row")
            with Vertical(id="dash-right"):
                yield BarChart(width=24, id="week-chart", classes="panel",
                               empty="Nothing logged this week yet.")
                yield Static("", id="glance", classes="panel")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#timer-panel").border_title = "Timer"
        table = self.query_one("#today", DataTable)
        table.border_title = "Today"
        self._today_rows: list[tuple] = []
        self._today_width = 0
        self._size_today()
        self.query_one("#week-chart").border_title = "This week by type"
        self.query_one("#glance").border_title = "Value & impact this week"
        self.set_interval(1.0, self._tick)
        self.set_interval(self.englog.settings.refresh_seconds, self._refresh_if_shown)
        self._tick()

    def _refresh_if_shown(self) -> None:
        # Only the screen the user is looking at: another screen reloads this one when it
        # comes back (on_screen_resume), and a hidden one must not spend requests.
        if self.is_current:
            self.reload()

    def _tick(self) -> None:
        timer = self.englog.timer
        panel = self.query_one("#timer-panel", Static)
        keys = timer_hint(self.app)
        if not timer:
            panel.update(f"No timer running.\n{keys}")
            return
        elapsed = hms(self.englog.elapsed_since(timer["started_at"]).total_seconds())
        title = timer.get("title") or "(untitled)"
        tags = " ".join(f"#{t}" for t in timer.get("tags") or [])
        offline = "  [yellow](offline: queued)[/]" if timer.get("queued") else ""
        panel.update(f"[bold green]● {elapsed}[/]  {escape(title)}  [dim]{timer.get('type')}"
                     f" {escape(tags)}[/]{offline}\n{keys}")

    def on_resize(self) -> None:
        self._size_today()

    def _size_today(self) -> None:
        """Fixed widths for When/Time/Type and the rest for Title and Project, from the
        table's own width: in a wide terminal the right-hand panels stop growing (app.tcss)
        and the room goes to titles. In a narrow one (the left half is then ~40 wide) Time
        and Type give way, so Project stays on screen (the panel's subtitle still sums the
        day)."""
        table = self.query_one("#today", DataTable)
        width = table.size.width
        if not width:
            # Before the first layout: half the screen less the panel's chrome (the layout
            # that follows resizes the screen, and this runs again with the real width).
            width = (self.size.width or self.app.size.width) // 2 - 4
        if width == self._today_width:
            return
        self._today_width = width
        inner = width - 2  # room for the scrollbar once the day has more rows than fit
        narrow = inner < 50
        fixed = [("When", 11)] if narrow else [("When", 11), ("Time", 5), ("Type", 9)]
        self._today_keep = (0, 3, 4) if narrow else (0, 1, 2, 3, 4)
        free = max(12, inner - sum(w for _, w in fixed) - 2 * (len(fixed) + 2))
        # Titles are what a user reads here; a project name rarely needs more than 20.
        project = min(20, max(6, free * 2 // 5))
        table.clear(columns=True)
        for label, w in (*fixed, ("Title", free - project), ("Project", project)):
            table.add_column(label, width=w)
        table.add_rows(self._shown_today())

    def _shown_today(self) -> list[tuple]:
        keep = getattr(self, "_today_keep", (0, 1, 2, 3, 4))
        return [tuple(row[i] for i in keep) for row in self._today_rows]

    async def load(self) -> None:
        app = self.englog
        current = await ep.current_timer(app.api)
        # A start still waiting in the outbox is the user's timer until the server has it.
        app.timer = current.get("timer") if current.get("running") else app.queued_timer()
        self._tick()
        today = app.now().date()
        start, end = week_bounds(today, app.preferences.get("week_start"))
        week = await ep.all_logs(app.api, start_date=start.isoformat(),
                               end_date=end.isoformat())
        todays = sorted((e for e in week if app.local(e["start_time"]).date() == today),
                        key=lambda e: e["start_time"])
        table = self.query_one("#today", DataTable)
        self._today_rows = [(entry_time_range(app, e), hm(e["duration_minutes"]), e["type"],
                             Text(e["title"]), Text(e.get("project_name") or ""))
                            for e in todays]
        table.clear()
        table.add_rows(self._shown_today())
        total_today = sum(e["duration_minutes"] for e in todays)
        goal = app.preferences.get("daily_goal_hours")
        goal_txt = f" of {goal}h goal" if goal else ""
        table.border_subtitle = f"{entries_count(len(todays))} · {hm(total_today)}{goal_txt}"

        by_type = Counter[str]()
        by_value = Counter[str]()
        by_impact = Counter[str]()
        for e in week:
            by_type[e["type"]] += e["duration_minutes"]
            by_value[e["value_rating"]] += e["duration_minutes"]
            by_impact[e["impact_level"]] += e["duration_minutes"]
        chart = self.query_one("#week-chart", BarChart)
        chart.set_data(by_type.most_common())
        chart.border_subtitle = f"{hm(sum(by_type.values()))} · {start:%d %b}–{end:%d %b}"
        self.query_one("#glance", Static).update(_glance(by_value, by_impact))


HINT_ACTIONS = ("timer.start", "timer.stop", "timer.cancel", "timer.backfill", "entry.quick_add")


def timer_hint(app: object) -> str:
    """The timer keys as the user has them (remaps applied), wrapped by the panel, not cut."""
    parts = [f"{escape(key_of(app, i))} {BY_ID[i].description}" for i in HINT_ACTIONS]
    return "[dim]" + " · ".join(parts) + "[/]"


def _glance(by_value: Counter[str], by_impact: Counter[str]) -> Text:
    out = Text()
    total = sum(by_value.values()) or 1
    styles = {"high": "green", "medium": "yellow", "low": "red", "company": "magenta",
              "product": "cyan", "team": "blue", "personal": "white"}
    out.append("value   ")
    for k in ("high", "medium", "low"):
        out.append(f"{k} {by_value[k] / total * 100:3.0f}%  ", style=styles[k])
    out.append("\nimpact  ")
    for k in ("company", "product", "team", "personal"):
        out.append(f"{k} {by_impact[k] / total * 100:3.0f}%  ", style=styles[k])
    return out
