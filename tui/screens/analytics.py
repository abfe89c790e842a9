"""Analytics: time distribution, weekly trends and the nine productivity metrics."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Select, Sparkline, Static

from tui.api import endpoints as ep
from tui.screens.base import MainScreen
from tui.screens.common import hm, period_bounds
from tui.widgets.bars import BarChart

GROUPS = [(g, g) for g in ("type", "project", "value", "impact", "tag", "weekday", "hour")]
PERIODS = [("This week", "week"), ("Last week", "last_week"), ("This month", "month"),
           ("Last 30 days", "30d"), ("This year", "year")]
METRICS = (
    ("average_daily_hours", "Average daily hours", "{:.1f} h"),
    ("peak_productivity_hour", "Peak hour", "{}:00"),
    ("most_productive_day", "Most productive day", "{}"),
    ("activity_efficiency_score", "Code/debug/docs time", "{:.0f}%"),
    ("focus_time_percentage", "Focus time", "{:.0f}%"),
    ("collaboration_ratio", "Collaboration ratio", "{:.2f}"),
    ("high_value_percentage", "High-value work", "{:.0f}%"),
    ("company_impact_ratio", "Company/product impact", "{:.0f}%"),
    ("value_impact_score", "Value × impact score", "{:.1f}"),
)


def _fmt(template: str, value: Any) -> str:
    if value is None:
        return "—"
    try:
        return template.format(value)
    except (ValueError, TypeError):
        return str(value)


class AnalyticsScreen(MainScreen):
    SCOPE = "analytics"
    AREA = "Analytics"
    AUTO_FOCUS = "#a-period"

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="analytics-controls"):
            yield Select(PERIODS, value="30d", allow_blank=False, id="a-period")
            yield Select(GROUPS, value="type", allow_blank=False, id="a-group")
        with Horizontal(id="analytics"):
            with Vertical():
                yield BarChart(width=28, id="distribution", classes="panel")
                yield Static("", id="metrics", classes="panel")
            with Vertical():
                yield BarChart(width=28, id="trend", classes="panel",
                               empty="No weeks with entries yet.")
                yield Sparkline([], id="hv-spark", classes="panel")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#distribution").border_title = "Time distribution"
        self.query_one("#metrics").border_title = "Productivity metrics"
        self.query_one("#trend").border_title = "Weekly trend (12 weeks)"
        self.query_one("#hv-spark").border_title = "High-value share per week"

    @on(Select.Changed)
    def _changed(self) -> None:
        if self.is_mounted:
            self.reload()

    async def load(self) -> None:
        app = self.englog
        period = self.query_one("#a-period", Select).value
        group = self.query_one("#a-group", Select).value
        start, end = period_bounds(str(period), app.now().date(),
                                   app.preferences.get("week_start"))
        dates = {"start_date": start and start.isoformat(), "end_date": end and end.isoformat()}
        dist = await ep.time_distribution(app.api, group_by=group, **dates)
        chart = self.query_one("#distribution", BarChart)
        rows = [(str(i.get("label") or i.get("key")), i.get("minutes", 0))
                for i in dist.get("items", [])]
        # weekday/hour keep their natural order; other groupings read best largest first.
        if group not in ("weekday", "hour"):
            rows.sort(key=lambda r: -r[1])
        chart.set_data(rows)
        chart.border_subtitle = f"by {group} · {start:%d %b} – {end:%d %b}"

        trends = await ep.productivity_trends(app.api, weeks=12)
        weeks = trends.get("weeks", [])
        self.query_one("#trend", BarChart).set_data(
            [(str(w.get("week_start"))[:10], w.get("minutes", 0)) for w in weeks])
        self.query_one("#hv-spark", Sparkline).data = [
            float(w.get("high_value_percentage") or 0) for w in weeks] or [0.0]

        dash = await ep.analytics_dashboard(app.api, **dates)
        metrics = dash.get("metrics", {})
        totals = dash.get("totals", {})
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="dim")
        grid.add_column(justify="right")
        for key, label, template in METRICS:
            grid.add_row(label, _fmt(template, metrics.get(key)))
        grid.add_row("", "")
        grid.add_row("Logged", f"{hm(totals.get('minutes'))} in {totals.get('entries', 0)} "
                     f"entries over {totals.get('active_days', 0)} days")
        self.query_one("#metrics", Static).update(grid)
