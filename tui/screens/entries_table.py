"""The rows and column widths of the entries table: one header row per day with its
subtotal, then that day's entries; widths that keep every column visible down to 80 columns."""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.text import Text

from tui.screens.common import hm

COLUMNS = (("time", "Time"), ("dur", "Dur"), ("type", "Type"), ("title", "Title"),
           ("project", "Project"), ("tags", "Tags"), ("value", "Value"),
           ("impact", "Impact"))
# Columns that never shrink: their longest value ("09:00–11:30", "5h30", "mentoring",
# "medium", "personal"), so Value and Impact are never cut off.
FIXED = {"time": 11, "dur": 5, "type": 9, "value": 6, "impact": 8}
CELL_PADDING = 2  # DataTable's one column of padding either side of each cell
CHROME = 2 + 2 + 2  # the panel's border, its padding and the vertical scrollbar
MIN_TITLE = 12
TAGS_FROM = 110  # narrower than this, tags are shown after the title instead


def column_widths(table_width: int) -> tuple[int, ...]:
    """One width per COLUMNS entry; 0 means the column is left out (tags when narrow)."""
    show_tags = table_width >= TAGS_FROM
    shown = len(COLUMNS) - (0 if show_tags else 1)
    free = table_width - CHROME - CELL_PADDING * shown - sum(FIXED.values())
    free = max(free, MIN_TITLE + 6)
    if show_tags:
        project, tags = free // 5, free // 5
    else:
        project, tags = max(6, free // 3), 0
    title = free - project - tags
    widths = {**FIXED, "title": title, "project": project, "tags": tags}
    return tuple(widths[key] for key, _ in COLUMNS)


def entry_row(app: Any, e: dict[str, Any], show_tags: bool) -> tuple[Any, ...]:
    start, end = app.local(e["start_time"]), app.local(e["end_time"])
    tags = " ".join("#" + t for t in e.get("tags") or [])
    title = e["title"] if show_tags or not tags else f"{e['title']} {tags}"
    # Text, not str: a title like "[wip] fix" is the user's words, not markup.
    return (f"{start:%H:%M}–{end:%H:%M}", hm(e["duration_minutes"]), e["type"], Text(title),
            Text(e.get("project_name") or ""), Text(tags), e["value_rating"],
            e["impact_level"])


def day_row(day: date, minutes: int, count: int) -> tuple[Any, ...]:
    """The day's header: its date (with the year: lists reach back), the day's subtotal,
    the weekday and how many entries it holds, each in a column wide enough at 80x24."""
    label = f"{count} entr{'y' if count == 1 else 'ies'}"
    return (Text(f"{day.day:02d} {day:%b %Y}", style="bold"), Text(hm(minutes), style="bold"),
            Text(f"{day:%A}", style="bold"), Text(label, style="dim"), "", "", "", "")
