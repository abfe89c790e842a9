"""The performance-review PDF (fpdf2): cover, facts with tables and bar charts, the
narrative of a report with its citations, and an appendix of every entry."""
