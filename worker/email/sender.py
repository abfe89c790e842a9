"""SendEmailRequest -> SMTP, as multipart/alternative (plain text + HTML)."""

from __future__ import annotations

import html
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

import aiosmtplib
from englog.v1 import tasks_pb2 as pb


class EmailError(Exception):
    def __init__(self, message: str, retryable: bool):
        super().__init__(message)
        self.retryable = retryable


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int = 587
    username: str = ""
    password: str = ""
    starttls: bool = False
    use_tls: bool = False
    timeout_s: float = 30.0
    mail_from: str = "EngLog <no-reply@englog.local>"

    @classmethod
    def from_settings(cls, s) -> SmtpConfig:
        return cls(host=s.smtp_host, port=s.smtp_port, username=s.smtp_username,
                   password=s.smtp_password, starttls=s.smtp_starttls, use_tls=s.smtp_use_tls,
                   timeout_s=s.smtp_timeout_s, mail_from=s.mail_from)

    def client(self) -> aiosmtplib.SMTP:
        return aiosmtplib.SMTP(hostname=self.host, port=self.port, use_tls=self.use_tls,
                               start_tls=self.starttls, timeout=self.timeout_s,
                               username=self.username or None, password=self.password or None)


def build_message(req: pb.SendEmailRequest, mail_from: str) -> EmailMessage:
    msg = EmailMessage()
    domain = parseaddr(mail_from)[1].partition("@")[2] or "englog.local"
    msg["From"] = mail_from
    msg["To"] = req.to
    msg["Subject"] = req.subject
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain=domain)
    if req.kind:
        msg["X-EngLog-Kind"] = req.kind
    text = req.text_body or ""
    msg.set_content(text)
    # Mail clients that prefer HTML show the second part; always send one so they do not
    # fall back to raw text rendering.
    body_html = req.html_body or f"<pre>{html.escape(text)}</pre>"
    msg.add_alternative(body_html, subtype="html")
    return msg


async def send_email(req: pb.SendEmailRequest, cfg: SmtpConfig) -> pb.SendEmailResponse:
    if not cfg.host:
        raise EmailError("SMTP is not configured (ENGLOG_WORKER_SMTP_HOST)", retryable=False)
    if "@" not in parseaddr(req.to)[1]:
        raise EmailError(f"invalid recipient {req.to!r}", retryable=False)
    msg = build_message(req, cfg.mail_from)
    try:
        async with cfg.client() as smtp:
            errors, _ = await smtp.send_message(msg)
    except aiosmtplib.SMTPRecipientsRefused as exc:
        raise EmailError(f"recipient refused: {exc}", retryable=False) from exc
    except aiosmtplib.SMTPResponseException as exc:
        # 4xx is the server saying "later"; 5xx is permanent.
        raise EmailError(f"SMTP {exc.code}: {exc.message}", retryable=exc.code < 500) from exc
    except (aiosmtplib.SMTPException, OSError) as exc:
        raise EmailError(f"SMTP unavailable: {exc}", retryable=True) from exc
    return pb.SendEmailResponse(accepted=not errors, message_id=msg["Message-ID"])


async def smtp_health(cfg: SmtpConfig) -> tuple[bool, str]:
    """Connect, EHLO (and STARTTLS/AUTH as configured), NOOP: what sending would need."""
    if not cfg.host:
        return False, "smtp not configured"
    try:
        async with cfg.client() as smtp:
            await smtp.noop()
    except (aiosmtplib.SMTPException, OSError) as exc:
        return False, f"smtp {cfg.host}:{cfg.port} unreachable: {exc}"
    return True, f"smtp {cfg.host}:{cfg.port} ok"
