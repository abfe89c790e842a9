"""Sending through a real aiosmtpd server on loopback."""

from __future__ import annotations

import pytest
from englog.v1 import tasks_pb2 as pb

from tests.support.servers import free_port
from worker.email import SmtpConfig, send_email, smtp_health
from worker.email.sender import EmailError


async def test_report_ready_email_arrives_with_text_and_html_parts(smtp_server):
    # The API renders the bodies (backend/insights/results.py); the worker only sends them.
    subject = "Your EngLog report is ready: Weekly Report"
    text = "Hi Alex,\n\n15 entries, 22.5 h.\n\nRead it: https://englog.example/insights/1\n"
    html = ("<p>Hi Alex,</p><p><strong>Weekly Report</strong>: 15 entries, 22.5 h.</p>"
            '<p><a href="https://englog.example/insights/1">Read it</a></p>')
    cfg = SmtpConfig(host=smtp_server.host, port=smtp_server.port,
                     mail_from="EngLog <reports@englog.example>")
    req = pb.SendEmailRequest(to="alex@example.com", subject=subject, text_body=text,
                              html_body=html, kind="report_ready", user_id="u-1")
    resp = await send_email(req, cfg)

    assert resp.accepted
    [got] = smtp_server.messages
    assert got.rcpt_tos == ["alex@example.com"]
    assert got.mail_from == "reports@englog.example"
    msg = got.message
    assert msg["Subject"] == "Your EngLog report is ready: Weekly Report"
    assert msg["To"] == "alex@example.com"
    assert msg["Message-ID"] == resp.message_id
    assert msg["X-EngLog-Kind"] == "report_ready"
    assert msg.get_content_type() == "multipart/alternative"
    plain = msg.get_body(preferencelist=("plain",)).get_content()
    rich = msg.get_body(preferencelist=("html",)).get_content()
    assert "15 entries, 22.5 h." in plain and "https://englog.example/insights/1" in plain
    assert "<strong>Weekly Report</strong>" in rich and 'href="https://englog' in rich


async def test_text_only_request_still_gets_an_html_alternative(smtp_server):
    cfg = SmtpConfig(host=smtp_server.host, port=smtp_server.port)
    await send_email(pb.SendEmailRequest(to="b@example.com", subject="Welcome",
                                         text_body="Hello <you>"), cfg)
    msg = smtp_server.messages[0].message
    assert msg.get_body(preferencelist=("html",)).get_content().count("Hello &lt;you&gt;") == 1


async def test_smtp_health_and_unreachable_server(smtp_server):
    ok, detail = await smtp_health(SmtpConfig(host=smtp_server.host, port=smtp_server.port))
    assert ok, detail
    down = SmtpConfig(host="127.0.0.1", port=free_port(), timeout_s=5)
    ok, detail = await smtp_health(down)
    assert not ok and "unreachable" in detail
    with pytest.raises(EmailError) as err:
        await send_email(pb.SendEmailRequest(to="c@example.com", subject="x", text_body="y"),
                         down)
    assert err.value.retryable


async def test_bad_recipient_and_missing_config_are_not_retried():
    with pytest.raises(EmailError) as err:
        await send_email(pb.SendEmailRequest(to="not-an-address", subject="x"),
                         SmtpConfig(host="127.0.0.1"))
    assert not err.value.retryable
    with pytest.raises(EmailError) as err:
        await send_email(pb.SendEmailRequest(to="a@example.com"), SmtpConfig(host=""))
    assert not err.value.retryable
