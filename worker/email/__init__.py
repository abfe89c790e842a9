"""Outgoing email: the API decides what to send; the worker renders nothing it was not given."""

from worker.email.sender import SmtpConfig, build_message, send_email, smtp_health

__all__ = ["SmtpConfig", "build_message", "send_email", "smtp_health"]
