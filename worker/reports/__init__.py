"""Report generation: facts rendered by code, narrative by the LLM, figures checked."""

from worker.reports.pipeline import ReportOptions, generate_report

__all__ = ["ReportOptions", "generate_report"]
