"""A horizontal bar chart drawn with block characters: deterministic and fast to render."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

PALETTE = ("#3b82f6", "#22c55e", "#f59e0b", "#ef4444", "#a855f7", "#14b8a6", "#ec4899",
           "#84cc16", "#f97316", "#64748b")


def fmt_minutes(minutes: float) -> str:
    m = int(round(minutes))
    h, m = divmod(m, 60)
    return f"{h}h{m:02d}" if h else f"{m}m"


class BarChart(Static):
    DEFAULT_CSS = "BarChart { height: auto; }"

    def __init__(self, width: int = 30, empty: str = "No data yet.", **kw):
        super().__init__("", **kw)
        self.bar_width = width
        self.empty = empty

    def on_resize(self) -> None:
        if getattr(self, "_rows", None) is not None:
            self.set_data(*self._rows)

    def _fit(self, rows: list[tuple[str, float]]) -> int:
        """Bars as wide as the panel allows (at most the configured width), so the figures
        after them are never cut off in a narrow terminal."""
        width = self.content_region.width
        if not width:
            return self.bar_width
        label = max(len(k) for k, _ in rows)
        return max(4, min(self.bar_width, width - label - len(" 10h00  100%") - 3))

    def set_data(self, rows: list[tuple[str, float]], suffix: str = "minutes") -> None:
        self._rows = (rows, suffix)
        rows = [(k, v) for k, v in rows if v]
        if not rows:
            self.update(Text(self.empty, style="dim"))
            return
        top = max(v for _, v in rows)
        total = sum(v for _, v in rows)
        bar_width = self._fit(rows)
        table = Table.grid(padding=(0, 1))
        table.add_column(no_wrap=True)
        table.add_column(no_wrap=True)
        table.add_column(justify="right", no_wrap=True)
        for i, (label, value) in enumerate(rows):
            cells = value / top * bar_width
            bar = "█" * int(cells) + ("▌" if cells - int(cells) >= 0.5 else "")
            shown = fmt_minutes(value) if suffix == "minutes" else f"{value:g}"
            pct = f"{value / total * 100:4.0f}%"
            table.add_row(Text(label), Text(bar.ljust(bar_width + 1),
                                            style=PALETTE[i % len(PALETTE)]),
                          Text(f"{shown} {pct}"))
        self.update(table)
