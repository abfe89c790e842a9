"""Exit codes of the shell verbs: one meaning each, the same for every verb (README lists them)."""

from __future__ import annotations

from enum import IntEnum


class Exit(IntEnum):
    OK = 0
    USAGE = 1  # bad options or arguments (click's usage errors included)
    NOT_LOGGED_IN = 2  # no session on this machine, session expired, or login refused
    UNREACHABLE = 3  # the server could not be reached (or answered 5xx)
    REJECTED = 4  # the server or the quick-add parser refused the input (4xx, bad line)
    CONFLICT = 5  # the state does not allow it: no timer running, one already running
    REPORT_FAILED = 6  # the report was generated but failed in the worker
    TIMED_OUT = 7  # gave up waiting (report --wait --timeout)


class CliError(Exception):
    """Ends a verb with `code`; `reason` is a stable word for --json readers."""

    def __init__(self, code: Exit, reason: str, message: str,
                 fields: dict[str, str] | None = None, **extra: object):
        super().__init__(message)
        self.code = code
        self.reason = reason
        self.message = message
        self.fields = fields or {}
        self.extra = extra
