"""A report's narrative in the PDF: its Markdown as stored (sections, bullets, emphasis and
the citations after each sentence), rendered through markdown-it's HTML and fpdf2's
write_html.

The report's own "Summary" section (its facts as tables) is left out: the PDF draws the
period's facts itself, from the same analytics code, just before the narrative. Raw HTML in
the Markdown is escaped (markdown-it's html option is off), so a title cannot inject markup.
"""

from __future__ import annotations

import logging
import re

from fpdf.fonts import FontFace, TextStyle
from markdown_it import MarkdownIt

from backend.exports.pdf.layout import ACCENT, FAMILY, GREY, ReviewPdf, clean

log = logging.getLogger("englog.exports")

FACTS_SECTIONS = {"summary"}
_MD = MarkdownIt("commonmark", {"html": False}).enable("table")
_H2 = re.compile(r"^##\s+(.*?)\s*#*\s*$")
_ACCENT = "#{:02x}{:02x}{:02x}".format(*ACCENT)


def narrative_markdown(content: str) -> str:
    """The report's Markdown without its title line and its facts sections."""
    out: list[str] = []
    skipping = False
    lines = (content or "").splitlines()
    if lines and lines[0].startswith("# "):
        lines = lines[1:]
    for line in lines:
        heading = _H2.match(line)
        if heading:
            skipping = heading.group(1).strip().lower() in FACTS_SECTIONS
        if not skipping:
            out.append(line)
    return "\n".join(out).strip()


def _styles() -> dict[str, FontFace | TextStyle]:
    # Every tag in DejaVu: the core fonts fpdf2 would otherwise pick (Times, Courier) cannot
    # encode text outside Latin-1.
    heading = {"h1": 15, "h2": 13, "h3": 11, "h4": 10, "h5": 10, "h6": 10}
    styles: dict[str, FontFace | TextStyle] = {
        tag: TextStyle(font_family=FAMILY, font_style="B", font_size_pt=size, color=_ACCENT,
                       t_margin=4, b_margin=1)
        for tag, size in heading.items()
    }
    styles["code"] = FontFace(family=FAMILY)
    styles["pre"] = TextStyle(font_family=FAMILY)
    styles["blockquote"] = TextStyle(font_family=FAMILY, color="#555555", t_margin=2,
                                     b_margin=2)
    return styles


def render(pdf: ReviewPdf, content: str) -> None:
    markdown = narrative_markdown(content)
    if not markdown:
        pdf.paragraph("The report has no narrative sections.", color=GREY)
        return
    html = _MD.render(clean(markdown))
    try:
        pdf.write_html(html, font_family=FAMILY, tag_styles=_styles(), ul_bullet_char="•",
                       li_prefix_color=ACCENT, warn_on_tags_not_matching=False)
    except Exception:  # markup the renderer cannot lay out must not cost the user the PDF
        log.exception("write_html failed; falling back to plain text")
        pdf.set_x(pdf.l_margin)
        pdf.paragraph(markdown)
