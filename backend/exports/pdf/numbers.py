"""How figures are written in the PDF. Only formatting: the figures themselves come from
backend.analytics (shares of total minutes use its own half-up `pct`)."""

from __future__ import annotations

from typing import Any

from backend.analytics.metrics import pct, ratio


def num(value: int | float) -> str:
    """A figure as the facts hold it, without a trailing .0 (12.0 -> 12, 12.5 -> 12.5)."""
    return str(int(value)) if float(value).is_integer() else str(value)


def hours(minutes: int) -> str:
    return num(ratio(minutes, 60, 2))


def share(minutes: int, total: int) -> str:
    return f"{num(pct(minutes, total))}%"


def count(n: int) -> str:
    return f"{n:,}"


# (metric, label, how its value reads); names and definitions: backend/analytics/metrics.py.
METRICS: tuple[tuple[str, str, str], ...] = (
    ("average_daily_hours", "Average daily hours", "h"),
    ("peak_productivity_hour", "Peak productivity hour", "hour"),
    ("most_productive_day", "Most productive day", "text"),
    ("activity_efficiency_score", "Activity efficiency (code, debug, docs)", "%"),
    ("focus_time_percentage", "Focus time (blocks of 60+ min)", "%"),
    ("collaboration_ratio", "Collaboration ratio (0-1)", "ratio"),
    ("high_value_percentage", "High-value time", "%"),
    ("company_impact_ratio", "Company and product impact", "%"),
    ("value_impact_score", "Value x impact score (0-100)", "score"),
)


def metric_text(value: Any, unit: str) -> str:
    if value is None:
        return "no data"
    if unit == "hour":
        return f"{int(value):02d}:00"
    if isinstance(value, str):
        return value
    if unit == "%":
        return f"{num(value)}%"
    if unit == "h":
        return f"{num(value)} h"
    return num(value)
