"""The emails about an account's deletion, sent by the worker as send_email tasks.

The "deleted" email is written in the deleting transaction, after the rows are gone, so it
cannot name anything but the address: its task has no user_id (tasks.user_id cascades with
the user, and this one must outlive them) and carries the address in its payload. Once the
worker has sent it, or given up, the address is wiped from the payload too.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from uuid import UUID
from zoneinfo import ZoneInfo

from backend.queue.handlers import on_complete, on_failed
from backend.queue.service import enqueue, replace_payload

ACCOUNT_DELETED = "account_deleted"


def _email(to: str, first_name: str, subject: str, paragraphs: list[str], kind: str,
           user_id: UUID | None) -> dict:
    """A SendEmailRequest as a dict (proto field names)."""
    name = first_name.strip() or "there"
    text = f"Hi {name},\n\n" + "\n\n".join(paragraphs) + "\n\n- EngLog\n"
    html = (f"<p>Hi {escape(name)},</p>" + "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
            + "<p>- EngLog</p>")
    return {"to": to, "subject": subject, "text_body": text, "html_body": html, "kind": kind,
            "user_id": str(user_id) if user_id else ""}


def deletion_scheduled_email(to: str, first_name: str, user_id: UUID,
                             scheduled_for: datetime, timezone: str) -> dict:
    local = scheduled_for.astimezone(ZoneInfo(timezone))
    when = f"{local:%A %d %B %Y, %H:%M} ({timezone})"
    return _email(to, first_name, "Your EngLog account is scheduled for deletion", [
        f"Your EngLog account and everything in it will be deleted on {when}.",
        "Changed your mind? Cancel the deletion before then in Settings > Account, or with "
        "DELETE /v1/users/me/deletion. If you did not ask for this, cancel it and change "
        "your password.",
        "You can export all your data first (Settings > Account > Export my data).",
    ], "deletion_scheduled", user_id)


def deletion_cancelled_email(to: str, first_name: str, user_id: UUID) -> dict:
    return _email(to, first_name, "Your EngLog account will not be deleted", [
        "The scheduled deletion of your EngLog account was cancelled; your data stays.",
        "If you did not cancel it, change your password and schedule it again.",
    ], "deletion_cancelled", user_id)


def account_deleted_email(to: str, first_name: str) -> dict:
    return _email(to, first_name, "Your EngLog account has been deleted", [
        "Your EngLog account and all of its data (entries, projects, tags, reports and "
        "sessions) have been deleted. This is the last email we send to this address.",
    ], ACCOUNT_DELETED, None)


async def enqueue_email(email: dict, user_id: UUID | None, conn) -> UUID:
    return await enqueue("send_email", email, user_id=user_id, priority=50, conn=conn)


async def _forget_address(task: dict, conn) -> None:
    if task["payload"].get("kind") != ACCOUNT_DELETED:
        return
    await replace_payload(task["id"], {"kind": ACCOUNT_DELETED}, conn)


# No other domain registers send_email handlers; if one ever does, chain to this one.
@on_complete("send_email")
async def _sent(task: dict, result_msg, conn, cache=None) -> None:
    await _forget_address(task, conn)


@on_failed("send_email")
async def _given_up(task: dict, error: str, conn) -> None:
    await _forget_address(task, conn)
