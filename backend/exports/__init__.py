"""Exports: the user's entries as streamed CSV and JSON, and a performance-review PDF.

Every figure an export states comes from backend.analytics (the same code that computes the
dashboard and a report's facts); this package only lays them out.
"""
