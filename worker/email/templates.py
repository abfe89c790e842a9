"""The "your report is ready" email. The API renders and enqueues it (it knows the user's
opt-out); this helper exists so both sides can share one wording when the API wants it."""

from __future__ import annotations

import html


def report_ready_email(user_name: str, title: str, summary: str, url: str) -> tuple[str, str,
                                                                                   str]:
    """(subject, text body, HTML body)."""
    subject = f"Your EngLog report is ready: {title}"
    greeting = f"Hi {user_name}," if user_name else "Hi,"
    text = (f"{greeting}\n\nYour report \"{title}\" is ready.\n\n{summary}\n\n"
            f"Read it here: {url}\n\n— EngLog\n")
    e = html.escape
    body = (f"<html><body><p>{e(greeting)}</p><p>Your report <strong>{e(title)}</strong> is "
            f"ready.</p><p>{e(summary)}</p><p><a href=\"{e(url, quote=True)}\">Read the "
            f"report</a></p><p>— EngLog</p></body></html>")
    return subject, text, body
