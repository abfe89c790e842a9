"""Outgoing email: the API decides what to send; the worker renders nothing it was not given."""

from worker.email.sender import SmtpConfig, build_message, send_email, smtp_health
from worker.email.templates import report_ready_email

__all__ = ["SmtpConfig", "build_message", "report_ready_email", "send_email", "smtp_health"]
