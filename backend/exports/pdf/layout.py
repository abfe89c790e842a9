"""The page set-up and the drawing primitives of the review PDF: running header and footer,
headings, and a fast table that repeats its header row on every page it spans.

fpdf2's own table() and multi_cell() re-measure a line once per character, which made a
1,250-row appendix take tens of seconds; this table measures each string once from the
font's glyph widths and draws with text(), which is about ten times faster.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from backend.exports.pdf.fonts import FAMILY, font_files

GREY = (110, 110, 110)
RULE = (200, 200, 200)
HEAD_FILL = (232, 236, 242)
INK = (20, 20, 20)
ACCENT = (52, 101, 164)
MISSING_GLYPH = "\u25a1"  # □
BODY_PT = 10
SMALL_PT = 8
# C0/C1 controls other than tab and newline would be written into the content stream as is.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(text: object) -> str:
    return _CONTROL.sub("", str(text)).replace("\t", " ")


@dataclass(frozen=True)
class Column:
    title: str
    width: float  # mm
    max_lines: int = 1
    align: str = "L"  # "L" or "R"


class ReviewPdf(FPDF):
    def __init__(self, running_title: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.running_title = clean(running_title)
        self.set_margins(15, 18, 15)
        self.set_auto_page_break(True, margin=16)
        for style, path in font_files().items():
            self.add_font(FAMILY, style, str(path))
        self.set_font(FAMILY, size=BODY_PT)
        self.set_text_color(*INK)
        self.set_title(self.running_title)
        self.set_creator("EngLog")
        # Set by the table being drawn, so a page break inside it repeats its header row.
        self._table_columns: Sequence[Column] | None = None

    def normalize_text(self, text: str) -> str:
        # A character DejaVu has no glyph for (CJK, emoji) becomes a visible box instead of
        # vanishing without a trace.
        text = super().normalize_text(text)
        cmap = getattr(self.current_font, "cmap", None)
        if cmap and not all(ord(c) in cmap or c in "\r\n" for c in text):
            text = "".join(c if ord(c) in cmap or c in "\r\n" else MISSING_GLYPH for c in text)
        return text

    # --- running header and footer -------------------------------------------------------

    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.set_font(FAMILY, size=SMALL_PT)
        self.set_text_color(*GREY)
        self.set_xy(self.l_margin, 8)
        self.cell(self.epw, 5, self.fit(self.running_title, self.epw))
        self.set_draw_color(*RULE)
        self.line(self.l_margin, 13.5, self.w - self.r_margin, 13.5)
        self.set_text_color(*INK)
        self.set_xy(self.l_margin, self.t_margin)
        self.set_font(FAMILY, size=BODY_PT)

    def footer(self) -> None:
        self.set_y(-11)
        self.set_font(FAMILY, size=SMALL_PT)
        self.set_text_color(*GREY)
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="C")
        self.set_text_color(*INK)

    # --- text ------------------------------------------------------------------------------

    def width_of(self, text: str) -> float:
        """Width in mm of `text` in the current font: one lookup per character."""
        cw = self.current_font.cw
        return sum(cw[ord(c)] for c in text) * self.font_size_pt * 0.001 / self.k

    def fit(self, text: str, width: float) -> str:
        """`text` cut to `width` with an ellipsis."""
        text = clean(text)
        if self.width_of(text) <= width:
            return text
        limit = width - self.width_of("…")
        cw, scale = self.current_font.cw, self.font_size_pt * 0.001 / self.k
        used, cut = 0.0, 0
        for i, c in enumerate(text):
            used += cw[ord(c)] * scale
            if used > limit:
                cut = i
                break
        return text[:cut].rstrip() + "…"

    def wrap(self, text: str, width: float, max_lines: int) -> list[str]:
        """Word-wrapped lines of `text` within `width`, at most `max_lines`; what does not
        fit (the rest of the text, or a word longer than a line) is cut with an ellipsis."""
        text = clean(text).replace("\n", " ")
        if max_lines <= 1 or self.width_of(text) <= width:
            return [self.fit(text, width)]
        lines: list[str] = []
        current = ""
        words = text.split(" ")
        for i, word in enumerate(words):
            candidate = f"{current} {word}" if current else word
            if self.width_of(candidate) <= width:
                current = candidate
                continue
            if current:
                lines.append(self.fit(current, width))
            current = word
            if len(lines) == max_lines - 1:
                lines.append(self.fit(" ".join([current, *words[i + 1:]]), width))
                return lines
        lines.append(self.fit(current, width))
        return lines

    def heading(self, text: str, level: int = 1) -> None:
        size = {0: 22, 1: 15, 2: 12}[level]
        if self.get_y() + size > self.page_break_trigger - 20:
            self.add_page()
        self.set_font(FAMILY, "B", size)
        self.set_text_color(*(ACCENT if level else INK))
        self.multi_cell(self.epw, size * 0.5, clean(text), new_x=XPos.LMARGIN,
                        new_y=YPos.NEXT)
        self.ln(1.5 if level else 3)
        self.set_text_color(*INK)
        self.set_font(FAMILY, size=BODY_PT)

    def paragraph(self, text: str, size: float = BODY_PT, style: str = "",
                  color: tuple[int, int, int] = INK) -> None:
        self.set_font(FAMILY, style, size)
        self.set_text_color(*color)
        self.multi_cell(self.epw, size * 0.5, clean(text), new_x=XPos.LMARGIN,
                        new_y=YPos.NEXT)
        self.set_text_color(*INK)
        self.set_font(FAMILY, size=BODY_PT)

    # --- tables ------------------------------------------------------------------------------

    LINE = 3.7  # mm per text line in a table row

    def _table_header(self) -> None:
        columns = self._table_columns
        assert columns is not None
        if not any(c.title for c in columns):
            return  # a plain list of label/value rows
        self.set_font(FAMILY, "B", SMALL_PT)
        y, x = self.get_y(), self.l_margin
        total = sum(c.width for c in columns)
        self.set_fill_color(*HEAD_FILL)
        self.rect(x, y, total, self.LINE + 2.2, style="F")
        for c in columns:
            self._cell_text(x, y + 1.1, c, [self.fit(c.title, c.width - 2)])
            x += c.width
        self.set_y(y + self.LINE + 2.2)
        self.set_font(FAMILY, size=SMALL_PT)

    def _cell_text(self, x: float, y: float, column: Column, lines: list[str]) -> None:
        for k, line in enumerate(lines):
            dx = column.width - 1 - self.width_of(line) if column.align == "R" else 1
            self.text(x + dx, y + 2.9 + self.LINE * k, line)

    def table(self, columns: Sequence[Column], rows: Sequence[Sequence[object]]) -> None:
        """Rows of text (cut or wrapped to each column); the header row is repeated at the
        top of every page the table continues on."""
        self._table_columns = columns
        if self.get_y() + 3 * (self.LINE + 2) > self.page_break_trigger:
            self.add_page()
        self._table_header()
        self.set_draw_color(*RULE)
        total = sum(c.width for c in columns)
        for row in rows:
            cells = [self.wrap(str(v), c.width - 2, c.max_lines)
                     for c, v in zip(columns, row, strict=True)]
            height = self.LINE * max(len(c) for c in cells) + 1.6
            if self.get_y() + height > self.page_break_trigger:
                self.add_page()
                self._table_header()
            y, x = self.get_y(), self.l_margin
            for c, lines in zip(columns, cells, strict=True):
                self._cell_text(x, y + 0.5, c, lines)
                x += c.width
            self.line(self.l_margin, y + height, self.l_margin + total, y + height)
            self.set_y(y + height)
        self._table_columns = None
        self.set_font(FAMILY, size=BODY_PT)
        self.ln(3)
