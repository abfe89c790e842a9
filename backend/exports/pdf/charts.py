"""Horizontal bar charts drawn with fpdf2's rectangles: one bar per label, its length the
share of the period's minutes, the hours and share written after it."""

from __future__ import annotations

from collections.abc import Sequence

from backend.exports.pdf.layout import ACCENT, FAMILY, GREY, SMALL_PT, ReviewPdf
from backend.exports.pdf.numbers import hours, share

LABEL_W = 42.0
VALUE_W = 30.0
BAR_H = 4.2
GAP = 1.6
TRACK = (236, 238, 242)


def bar_chart(pdf: ReviewPdf, bars: Sequence[tuple[str, int]], total_minutes: int) -> None:
    """`bars`: (label, minutes), drawn in the given order; zero bars are left out."""
    shown = [(label, m) for label, m in bars if m > 0]
    if not shown:
        return
    height = len(shown) * (BAR_H + GAP) + 2
    if pdf.get_y() + height > pdf.page_break_trigger:
        pdf.add_page()
    longest = max(m for _, m in shown)
    track_w = pdf.epw - LABEL_W - VALUE_W
    pdf.set_font(FAMILY, size=SMALL_PT)
    y = pdf.get_y() + 1
    for label, minutes in shown:
        x = pdf.l_margin
        pdf.text(x, y + BAR_H - 1, pdf.fit(label, LABEL_W - 2))
        pdf.set_fill_color(*TRACK)
        pdf.rect(x + LABEL_W, y, track_w, BAR_H, style="F")
        pdf.set_fill_color(*ACCENT)
        pdf.rect(x + LABEL_W, y, max(track_w * minutes / longest, 0.4), BAR_H, style="F")
        pdf.set_text_color(*GREY)
        pdf.text(x + LABEL_W + track_w + 2, y + BAR_H - 1,
                 f"{hours(minutes)} h · {share(minutes, total_minutes)}")
        pdf.set_text_color(0, 0, 0)
        y += BAR_H + GAP
    pdf.set_y(y + 3)
