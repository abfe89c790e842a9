"""`englog report weekly --wait --out FILE` through the whole stack: the real API, a real
worker with the embedded model, and the CLI following the report's progress."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from tests.cli.conftest import log_in, new_shell
from tests.support.stack import Stack, drop_stack_database, start_stack


@pytest.fixture(scope="module")
def report_stack(api_env, tmp_path_factory) -> Iterator[Stack]:
    stack = start_stack(api_env, tmp_path_factory.mktemp("cli-report"), "clireport")
    stack.start_worker()
    yield stack
    stack.stop()
    drop_stack_database(stack)


@pytest.mark.slow
def test_weekly_report_waits_and_writes_the_markdown(report_stack: Stack, tmp_path):
    sh = log_in(new_shell(tmp_path, report_stack.api.url))
    with sh.http() as c:
        for day, kind, minutes, title in ((10, "code", 150, "Token refresh rotation"),
                                          (11, "review", 60, "Review billing export"),
                                          (12, "mentoring", 45, "Pairing with Sam")):
            end = f"2025-03-{day}T{9 + minutes // 60:02d}:{minutes % 60:02d}:00+00:00"
            r = c.post("/v1/logs", json={"title": title, "type": kind, "end_time": end,
                                         "start_time": f"2025-03-{day}T09:00:00+00:00"})
            assert r.status_code == 201, r.text
    out = tmp_path / "week.md"
    r = sh.run("report", "weekly", "--from", "2025-03-10", "--to", "2025-03-16", "--wait",
               "--out", str(out), "--json", timeout=1700)
    assert r.returncode == 0, (r.stdout, r.stderr)
    result = json.loads(r.stdout)
    assert result["status"] == "completed" and result["out"] == str(out)
    assert (result["period_start"], result["period_end"]) == ("2025-03-10", "2025-03-16")
    markdown = out.read_text()
    assert markdown.strip() == result["content"].strip()
    # The facts part is written by code, so its figures are exact.
    assert "| Entries | 3 |" in markdown
    assert "4.25 h (255 min)" in markdown
    for section in ("Key Accomplishments", "Time Allocation Analysis", "Recommendations"):
        assert f"## {section}" in markdown
    with httpx.Client(base_url=report_stack.api.url) as c:
        token = json.loads((sh.config / "tokens.json").read_text())["access_token"]
        listed = c.get("/v1/insights", headers={"Authorization": f"Bearer {token}"}).json()
    assert [(i["id"], i["status"]) for i in listed["items"]] == [(result["id"], "completed")]
    # Asked again for the same data, the finished report comes straight back (cached).
    again = sh.run("report", "weekly", "--from", "2025-03-10", "--to", "2025-03-16", "--wait")
    assert again.returncode == 0 and "| Entries | 3 |" in again.stdout
