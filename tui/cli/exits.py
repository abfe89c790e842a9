"""Exit codes of the shell verbs: one meaning each, the same for every verb (README lists them)."""

from __future__ import annotations

import json
from enum import IntEnum
from typing import Any


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

    def __init__(
        self,
        code: Exit,
        reason: str,
        message: str,
        fields: dict[str, str] | None = None,
        **extra: object,
    ):
        super().__init__(message)
        self.code = code
        self.reason = reason
        self.message = message
        self.fields = fields or {}
        self.extra = extra


def error_output(err: CliError, as_json: bool) -> tuple[str, bool]:
    """How a verb reports `err`: (text, on_stderr) — a JSON object on stdout with --json, a
    line on stderr otherwise. Without click, so `englog status`'s fast path (tui/cli/
    status_fast.py) words a failure exactly as every verb does."""
    if as_json:
        body: dict[str, Any] = {"code": int(err.code), "reason": err.reason, "message": err.message}
        if err.fields:
            body["fields"] = err.fields
        body.update(err.extra)
        return json.dumps({"error": body}, ensure_ascii=False, default=str), False
    details = "".join(
        f"\n  {k or 'input'}: {v}" for k, v in err.fields.items() if v not in err.message
    )
    return f"englog: {err.message}{details}", True
