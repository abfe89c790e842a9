"""Read the API's facts (englog.v1.ReportFacts) and render them as Markdown by code.

Every figure in a report comes from here; the LLM never produces a table or a total.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from englog.v1 import tasks_pb2 as pb
from google.protobuf import json_format

METRICS: tuple[tuple[str, str, str], ...] = (
    # key (the product spec's ProductivityMetrics names), label, unit
    ("average_daily_hours", "Average daily hours", "h"),
    ("peak_productivity_hour", "Peak hour", "hour"),
    ("most_productive_day", "Most productive day", ""),
    ("activity_efficiency_score", "Time in code, debug and docs", "%"),
    ("focus_time_percentage", "Focus time", "%"),
    ("collaboration_ratio", "Collaboration ratio", "ratio"),
    ("high_value_percentage", "High-value work", "%"),
    ("company_impact_ratio", "Company/product impact", "%"),
    ("value_impact_score", "Value × impact score", "/100"),
)


def num(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value))
    except ValueError:
        return None


def fmt(value: Any, places: int = 2) -> str:
    """Numbers as people write them: 31.5, not 31.50; 12, not 12.0."""
    n = num(value)
    if n is None:
        return "—" if value is None else str(value)
    if n == int(n):
        return f"{int(n):,}"
    text = f"{n:,.{places}f}".rstrip("0").rstrip(".")
    return text


def hours(minutes: Any) -> str:
    n = num(minutes)
    return "—" if n is None else fmt(n / 60, 2)


@dataclass
class Row:
    name: str
    minutes: float | None
    entries: float | None = None
    pct: float | None = None


@dataclass
class Facts:
    raw: dict[str, Any]
    period: dict[str, Any] = field(default_factory=dict)
    totals: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_message(cls, msg: pb.ReportFacts) -> Facts:
        """The message in dict form: zero figures present, absent optionals (no peak hour,
        no change against an empty previous period) left out, so they render as "—"."""
        raw = json_format.MessageToDict(msg, preserving_proto_field_name=True,
                                        always_print_fields_with_no_presence=True)
        if not msg.metrics.most_productive_day:
            raw.get("metrics", {}).pop("most_productive_day", None)
        return cls(raw=raw, period=_dict(raw.get("period")), totals=_dict(raw.get("totals")))

    def get(self, *path: str, default: Any = None) -> Any:
        node: Any = self.raw
        for key in path:
            if not isinstance(node, dict) or key not in node:
                return default
            node = node[key]
        return node

    @property
    def total_minutes(self) -> float:
        return num(self.totals.get("minutes")) or 0.0

    def distribution(self, key: str) -> list[Row]:
        return rows(self.raw.get(key), self.total_minutes)

    @property
    def metrics(self) -> dict[str, Any]:
        return _dict(self.raw.get("metrics"))

    def top(self, key: str) -> list[dict[str, Any]]:
        items = self.raw.get(key)
        return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _name(item: dict[str, Any]) -> str:
    for key in ("name", "type", "key", "label", "project", "value", "impact"):
        if item.get(key) not in (None, ""):
            return str(item[key])
    return "(none)"


def rows(value: Any, total_minutes: float) -> list[Row]:
    """A distribution as {name: minutes}, {name: {minutes, entries}} or [{name, minutes}]."""
    items: list[tuple[str, Any]] = []
    if isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, list):
        items = [(_name(i), i) for i in value if isinstance(i, dict)]
    out = []
    for name, v in items:
        if isinstance(v, dict):
            minutes = num(v.get("minutes"))
            entries = num(v.get("entries", v.get("count")))
            pct = num(v.get("pct", v.get("percentage", v.get("share_pct"))))
        else:
            minutes, entries, pct = num(v), None, None
        if pct is None and minutes is not None and total_minutes:
            pct = round(100 * minutes / total_minutes, 1)
        out.append(Row(str(name), minutes, entries, pct))
    out.sort(key=lambda r: -(r.minutes or 0))
    return out


def metric_value(key: str, unit: str, value: Any) -> str:
    if value is None:
        return "—"
    if unit == "hour":
        n = num(value)
        return f"{int(n):02d}:00" if n is not None else str(value)
    if unit == "%":
        return f"{fmt(value, 1)}%"
    if unit == "h":
        return f"{fmt(value)} h"
    if unit == "/100":
        return f"{fmt(value, 1)} / 100"
    if unit == "ratio":
        return fmt(value, 3)
    return str(value)


def _table(header: list[str], body: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cells) + " |" for cells in body]
    return lines


def _dist_table(title: str, label: str, data: list[Row]) -> list[str]:
    if not data:
        return []
    with_entries = any(r.entries is not None for r in data)
    header = [label, "Hours", "Minutes", "Share"] + (["Entries"] if with_entries else [])
    body = []
    for r in data:
        cells = [r.name, hours(r.minutes), fmt(r.minutes),
                 "—" if r.pct is None else f"{fmt(r.pct, 1)}%"]
        if with_entries:
            cells.append(fmt(r.entries))
        body.append(cells)
    return [f"### {title}", "", *_table(header, body), ""]


def _entry_line(e: dict[str, Any]) -> str:
    minutes = e.get("duration_minutes", e.get("minutes"))
    bits = [str(e.get("title") or "(untitled)")]
    if e.get("project"):
        bits.append(f"({e['project']})")
    if minutes is not None:
        bits.append(f"— {fmt(minutes)} min")
    detail = "/".join(str(e.get(a) or e.get(b)) for a, b in (("value_rating", "value"),
                                                              ("impact_level", "impact"))
                      if e.get(a) or e.get(b))
    if detail:
        bits.append(f"[{detail}]")
    return "- " + " ".join(bits)


def render_facts(f: Facts) -> str:
    """The facts half of the report: tables rendered from the API's figures only."""
    t, p = f.totals, f.period
    start = p.get("start_date") or str(p.get("start") or "")[:10]
    end = p.get("end_date") or str(p.get("end") or "")[:10]
    out = ["## Summary", ""]
    out += _table(["Measure", "Value"], [
        ["Period", f"{start} to {end}" + (f" ({p['timezone']})" if p.get("timezone") else "")],
        ["Days in period", fmt(p.get("days"))],
        ["Entries", fmt(t.get("entries"))],
        ["Time logged", f"{fmt(t.get('hours', (num(t.get('minutes')) or 0) / 60))} h"
                        f" ({fmt(t.get('minutes'))} min)"],
        ["Active days", fmt(t.get("active_days"))],
    ])
    out.append("")
    out += _dist_table("Time by Activity Type", "Type", f.distribution("by_type"))
    out += _dist_table("Time by Project", "Project", f.distribution("by_project"))
    out += _dist_table("Time by Value", "Value", f.distribution("by_value"))
    out += _dist_table("Time by Impact", "Impact", f.distribution("by_impact"))
    metrics = f.metrics
    if metrics:
        out += ["### Productivity Metrics", ""]
        out += _table(["Metric", "Value"], [
            [label, metric_value(key, unit, metrics.get(key))] for key, label, unit in METRICS
        ])
        out.append("")
    for key, title in (("top_high_value", "Top High-Value Activities"),
                       ("top_high_impact", "Top High-Impact Activities")):
        items = f.top(key)
        if items:
            out += [f"### {title}", "", *(_entry_line(e) for e in items), ""]
    counts = f.get("counts")
    if isinstance(counts, dict) and counts:
        out += ["### Collaboration", ""]
        out += [f"- {k.replace('_', ' ').capitalize()} sessions: {_count(v)}"
                for k, v in counts.items()]
        out.append("")
    out += _comparison(f)
    return "\n".join(out).rstrip() + "\n"


def _count(v: Any) -> str:
    """A count is either a number or {entries, minutes}."""
    if isinstance(v, dict):
        text = fmt(v.get("entries", v.get("count")))
        if v.get("minutes") is not None:
            text += f" ({hours(v['minutes'])} h)"
        return text
    return fmt(v)


def previous(f: Facts) -> tuple[dict[str, Any], dict[str, Any]]:
    """(previous totals, change in percent by key); both shapes the API may send."""
    prev = f.get("previous") or f.get("previous_period")
    if not isinstance(prev, dict):
        return {}, {}
    totals = prev.get("totals") if isinstance(prev.get("totals"), dict) else prev
    change = f.get("change") or prev.get("change_pct") or prev.get("change") or {}
    change = change if isinstance(change, dict) else {}
    return totals, {k.removesuffix("_pct"): v for k, v in change.items()}


def _comparison(f: Facts) -> list[str]:
    prev_totals, change = previous(f)
    if not prev_totals:
        return []
    body = []
    for key, label in (("entries", "Entries"), ("minutes", "Minutes"), ("hours", "Hours"),
                       ("active_days", "Active days")):
        if key not in f.totals and key not in prev_totals:
            continue
        delta = change.get(key)
        body.append([label, fmt(f.totals.get(key)), fmt(prev_totals.get(key)),
                     "—" if delta is None else f"{'+' if (num(delta) or 0) > 0 else ''}"
                                               f"{fmt(delta, 1)}%"])
    if not body:
        return []
    return ["### Compared with the Previous Period", "",
            *_table(["Measure", "This period", "Previous", "Change"], body), ""]


def digest(f: Facts, max_rows: int = 5) -> str:
    """A compact plain-text view of the facts for prompts (small models have small windows)."""
    t = f.totals
    lines = [f"Total: {fmt(t.get('entries'))} entries, {fmt(t.get('hours'))} hours, "
             f"{fmt(t.get('active_days'))} active days."]
    for key, label in (("by_type", "Time by type"), ("by_project", "Time by project"),
                       ("by_impact", "Time by impact")):
        data = [r for r in f.distribution(key) if r.minutes][:max_rows]
        if data:
            lines.append(f"{label}: " + ", ".join(f"{r.name} {hours(r.minutes)} h" for r in data)
                         + ".")
    m = f.metrics
    parts = [f"{label} {metric_value(key, unit, m[key])}" for key, label, unit in METRICS
             if m.get(key) is not None]
    if parts:
        lines.append("Metrics: " + "; ".join(parts) + ".")
    counts = f.get("counts")
    if isinstance(counts, dict) and counts:
        lines.append("Sessions: " + ", ".join(f"{k} {_count(v)}" for k, v in counts.items())
                     + ".")
    _, change = previous(f)
    if change.get("minutes") is not None:
        lines.append(f"Time change vs previous period: {fmt(change['minutes'], 1)}%.")
    return "\n".join(lines)


def top_name(f: Facts, key: str) -> str | None:
    data = [r for r in f.distribution(key) if r.minutes]
    return data[0].name if data else None
