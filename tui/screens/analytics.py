"""Analytics: time distribution, weekly trends and the nine productivity metrics."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Select, Sparkline, Static

from tui.api import endpoints as ep
from tui.screens.base import MainScreen
from tui.screens.common import hm, period_bounds
from tui.widgets.bars import BarChart

GROUPS = [(g, g) for g in ("type", "project", "value", "impact", "tag", "weekday", "hour")]
PERIODS = [("This week", "week"), ("Last week", "last_week"), ("This month", "month"),
           ("Last 30 days", "30d"), ("This year", "year")]
# (API field, label, format, how it is computed and what a good value looks like). The
# definitions are backend/analytics/metrics.py's (docs/SPEC_DIFFERENCES.md rows 7-10).
NARROW = 110
METRICS = (
    ("average_daily_hours", "Average daily hours", "{:.1f} h",
     "Hours logged ÷ days with at least one entry. Good: steady, near your daily goal."),
    ("peak_productivity_hour", "Peak hour", "{}:00",
     "Hour of the day with the most logged time. Good: keep it free for deep work."),
    ("most_productive_day", "Most productive day", "{}",
     "Weekday with the most logged time. Good: plan demanding work on it."),
    ("activity_efficiency_score", "Code/debug/docs time", "{:.0f}%",
     "Share of time in code, debug and docs entries. Good: half or more for a maker."),
    ("focus_time_percentage", "Focus time", "{:.0f}%",
     "Share of time in code/debug/docs/planning/learning blocks of 60+ min. Good: 40%+."),
    ("collaboration_ratio", "Collaboration ratio", "{:.2f}",
     "Meeting + mentoring + review time ÷ all time (0–1). Good: 0.2–0.4, not above 0.5."),
    ("high_value_percentage", "High-value work", "{:.0f}%",
     "Share of time rated value:high. Good: above 50%."),
    ("company_impact_ratio", "Company/product impact", "{:.0f}%",
     "Share of time with product or company impact. Good: above 50%."),
    ("value_impact_score", "Value × impact score", "{:.1f}",
     "Value (1–3) × impact (1–4) ÷ 12 × 100, by minutes (0–100). Good: above 50."),
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
            yield Select(PERIODS, value="30d", allow_blank=False, id="a-period", compact=True)
            yield Select(GROUPS, value="type", allow_blank=False, id="a-group", compact=True)
        with VerticalScroll(id="analytics"):
            # Its own line, so the totals are never cut at 80 columns ("6h30…").
            yield Static("", id="a-totals")
            with Horizontal(id="analytics-charts"):
                yield BarChart(width=22, id="distribution", classes="panel")
                with Vertical(id="analytics-trend"):
                    yield BarChart(width=22, id="trend", classes="panel",
                                   empty="No weeks with entries yet.")
                    yield Sparkline([], id="hv-spark", classes="panel")
            yield Static("", id="metrics", classes="panel")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#distribution").border_title = "Time distribution"
        self.query_one("#metrics").border_title = "Productivity metrics"
        self.query_one("#trend").border_title = "Weekly trend (12 weeks)"
        self.query_one("#hv-spark").border_title = "High-value share per week"

    def on_resize(self) -> None:
        # Side by side needs room for two bar charts; below that they stack and scroll.
        self.set_class(self.size.width < NARROW, "-narrow")

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
        self.query_one("#metrics", Static).update(metrics_table(metrics))
        self.query_one("#a-totals", Static).update(
            f"Logged {hm(totals.get('minutes'))} in {totals.get('entries', 0)} entries over "
            f"{totals.get('active_days', 0)} days")


def metrics_table(metrics: dict[str, Any]) -> Table:
    """Each metric with its value and, in one line, how it is computed and what is good."""
    grid = Table.grid(padding=(0, 2), expand=True)
    grid.add_column(no_wrap=True)
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column(style="dim", ratio=1)
    for key, label, template, meaning in METRICS:
        grid.add_row(label, Text(_fmt(template, metrics.get(key)), style="bold"),
                     Text(meaning))
    return grid
