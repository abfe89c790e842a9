"""The account emails the auth domain sends on registration (welcome, "this address already
has an account"). The worker delivers them as send_email tasks; the API only renders them."""

from __future__ import annotations

from html import escape
from uuid import UUID

from backend.queue.service import enqueue


def welcome_email(email: str, first_name: str, user_id) -> dict:
    """A SendEmailRequest as a dict (proto field names)."""
    name = first_name.strip() or "there"
    text = (f"Hi {name},\n\nWelcome to EngLog. Log what you work on as you go; "
            "weekly and monthly reviews are written from your entries.\n\n- EngLog\n")
    html = (f"<p>Hi {escape(name)},</p><p>Welcome to EngLog. Log what you work on as you go; "
            "weekly and monthly reviews are written from your entries.</p><p>- EngLog</p>")
    return {"to": email, "subject": "Welcome to EngLog", "text_body": text, "html_body": html,
            "kind": "welcome", "user_id": str(user_id)}


async def enqueue_welcome_email(user, conn=None) -> UUID:
    return await enqueue(
        "send_email", welcome_email(user.email, user.first_name, user.id), user_id=user.id,
        priority=50, dedupe_key=f"welcome:{user.id}", conn=conn)


def account_exists_email(email: str, first_name: str, user_id) -> dict:
    """Sent when someone tries to register an address that already has an account: the
    register answer is the same either way, so only the address's owner learns of it."""
    name = first_name.strip() or "there"
    body = ("Someone (hopefully you) tried to create an EngLog account with this email "
            "address, which already has one. Nothing was changed.\n\nIf it was you, log in "
            "with your existing password. If it was not, you can ignore this message.")
    text = f"Hi {name},\n\n{body}\n\n- EngLog\n"
    html = f"<p>Hi {escape(name)},</p><p>{escape(body)}</p><p>- EngLog</p>"
    return {"to": email, "subject": "Someone tried to register with your email address",
            "text_body": text, "html_body": html, "kind": "account_exists",
            "user_id": str(user_id)}


async def enqueue_account_exists_email(user, day: str, conn=None) -> UUID:
    # At most one notice per account per day, however often the address is tried.
    return await enqueue(
        "send_email", account_exists_email(user.email, user.first_name, user.id),
        user_id=user.id, priority=50, dedupe_key=f"account-exists:{user.id}:{day}", conn=conn)


def end_of_day_reminder_email(email: str, first_name: str, user_id, day_label: str) -> dict:
    """The opt-in nudge on a workday with nothing logged (backend/jobs/reminders.py)."""
    name = first_name.strip() or "there"
    body = (f"You have not logged anything for today ({day_label}) yet. A minute now saves "
            "guessing at the end of the week: open EngLog, or run "
            "`englog add '<what you did>'`.")
    footer = ("You get this because the end-of-day reminder is on in your settings; "
              "turn it off there at any time.")
    text = f"Hi {name},\n\n{body}\n\n{footer}\n\n- EngLog\n"
    html = (f"<p>Hi {escape(name)},</p><p>{escape(body)}</p>"
            f"<p><small>{escape(footer)}</small></p><p>- EngLog</p>")
    return {"to": email, "subject": f"Nothing logged today ({day_label})", "text_body": text,
            "html_body": html, "kind": "end_of_day_reminder", "user_id": str(user_id)}
