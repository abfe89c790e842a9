"""Reusable widgets: form fields with errors, bar charts, the status line."""
