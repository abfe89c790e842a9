"""`englog add` (the TUI's quick-add grammar and parser) and `englog log` (per-day totals)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import httpx

from tests.cli.conftest import Shell, log_in, new_shell
from tests.cli.test_timer import make_project, set_preferences
from tests.support.servers import free_port


def test_add_stores_what_the_line_says(shell: Shell):
    pid = make_project(shell, "Auth Modernization")
    set_preferences(shell, default_value_rating="low", default_impact_level="team")
    before = datetime.now(UTC).replace(second=0, microsecond=0)
    saved = shell.json("add", '1h30 code "Fix token refresh race" @auth-modernization '
                       "#bug-fix value:high")
    [e] = shell.entries()
    assert e["id"] == saved["id"]
    assert (e["title"], e["type"], e["duration_minutes"]) == ("Fix token refresh race", "code", 90)
    assert (e["project_id"], e["tags"]) == (pid, ["bug-fix"])
    # value typed on the line; impact left out, so the user's preference applies.
    assert (e["value_rating"], e["impact_level"]) == ("high", "team")
    end = datetime.fromisoformat(e["end_time"])
    assert before <= end <= before + timedelta(minutes=2)  # "ends now"


def test_add_accepts_bare_words_and_a_quoted_project(shell: Shell):
    make_project(shell, "Auth Modernization")
    r = shell.run("add", "45m", "review", "PR", "812", '@"Auth Modernization"', "at", "9:00")
    assert r.returncode == 0, r.stderr
    assert "Logged “PR 812”" in r.stdout and "@Auth Modernization" in r.stdout
    [e] = shell.entries()
    assert e["project_name"] == "Auth Modernization"
    assert datetime.fromisoformat(e["start_time"]).strftime("%H:%M") == "09:00"


def test_a_bad_line_is_exit_4_and_stores_nothing(shell: Shell):
    err = shell.json("add", "code fix it value:huge", code=4)["error"]
    assert err["reason"] == "bad_line"
    assert "duration" in err["message"] and "value must be" in err["message"]
    assert shell.entries() == []


def test_unknown_project_can_be_created_on_request(shell: Shell):
    err = shell.json("add", '1h docs "Write the runbook" @"Mobile App"', code=4)["error"]
    assert (err["reason"], err["unknown_project"]) == ("unknown_project", "Mobile App")
    assert shell.entries() == []
    saved = shell.json("add", "--create-project", '1h docs "Write the runbook" @"Mobile App"')
    assert saved["project_name"] == "Mobile App"
    with shell.http() as c:
        names = [p["name"] for p in c.get("/v1/projects").json()["items"]]
    assert names.count("Mobile App") == 1


def test_offline_add_is_queued_and_sent_once_by_the_next_add(shell: Shell):
    toml = shell.config / "config.toml"
    online = toml.read_text()
    toml.write_text(online.replace(shell.api_url, f"http://127.0.0.1:{free_port()}"))
    queued = shell.json("add", "25m ops Rotate staging certs")
    assert queued["queued"] is True
    outbox = json.loads((shell.config / "outbox.json").read_text())
    assert [i["body"]["title"] for i in outbox] == ["Rotate staging certs"]
    toml.write_text(online)
    r = shell.run("add", "10m admin Expenses")
    assert r.returncode == 0 and "1 queued earlier" in r.stdout
    assert sorted(e["title"] for e in shell.entries()) == ["Expenses", "Rotate staging certs"]
    assert json.loads((shell.config / "outbox.json").read_text()) == []
    assert shell.run("add", "5m admin Expenses 2").returncode == 0
    assert len(shell.entries()) == 3  # nothing sent twice


def post_entry(sh: Shell, day: str, start: str, minutes: int, title: str, kind: str = "code"
               ) -> None:
    s = datetime.fromisoformat(f"{day}T{start}:00+01:00")
    with sh.http() as c:
        r = c.post("/v1/logs", json={"title": title, "type": kind, "start_time": s.isoformat(),
                                     "end_time": (s + timedelta(minutes=minutes)).isoformat()})
    assert r.status_code == 201, r.text


def test_log_prints_per_day_totals_in_the_users_timezone(tmp_path, api_url):
    sh = log_in(new_shell(tmp_path, api_url), timezone="Europe/Berlin")
    post_entry(sh, "2025-03-10", "09:00", 150, "Token refresh rotation")
    post_entry(sh, "2025-03-10", "13:00", 60, "Sprint planning", "meeting")
    post_entry(sh, "2025-03-12", "00:30", 45, "Late pairing", "mentoring")  # 23:30 UTC the 11th
    post_entry(sh, "2025-03-17", "09:00", 30, "Next week")
    out = sh.json("log", "--from", "2025-03-10", "--to", "2025-03-16")
    assert (out["from"], out["to"], out["total_minutes"]) == ("2025-03-10", "2025-03-16", 255)
    assert [(d["date"], d["minutes"], len(d["entries"])) for d in out["days"]] == [
        ("2025-03-10", 210, 2), ("2025-03-12", 45, 1)]
    text = sh.run("log", "--from", "2025-03-10", "--to", "2025-03-16").stdout.splitlines()
    assert text[0] == "Mon 10 Mar 2025    3h30"
    assert text[1].startswith("  09:00–11:30   2h30  code      Token refresh rotation")
    assert text[3].startswith("Wed 12 Mar 2025    0h45")
    assert text[-1] == "Total 4h15 · 3 entries · 2025-03-10 → 2025-03-16"


def test_log_defaults_to_this_week(shell: Shell):
    # At midnight today (UTC, the user's zone), so it is inside this week whatever the hour.
    assert shell.run("add", "20m docs Notes at 0:00").returncode == 0
    out = shell.json("log")
    today = datetime.now(UTC).date()
    assert out["from"] <= today.isoformat() <= out["to"]
    assert out["total_minutes"] == 20
    assert shell.json("log", "--week") == out


def test_log_shows_only_the_users_own_entries(tmp_path, api_url, shell: Shell):
    other = log_in(new_shell(tmp_path, api_url, "other"))
    assert shell.run("add", "20m docs Mine").returncode == 0
    assert other.json("log")["days"] == []
    with httpx.Client(base_url=api_url) as c:
        assert c.get("/v1/logs").status_code == 401


def test_an_overlapping_entry_is_saved_with_a_warning_on_stderr(shell: Shell):
    r = shell.run("add", '1h code "Morning block" at 9:00')
    assert r.returncode == 0 and r.stderr == "", r.stderr
    r = shell.run("add", '30m meeting "Standup" at 9:30')
    assert r.returncode == 0, r.stderr
    assert "Logged “Standup”" in r.stdout and "Overlaps" not in r.stdout
    assert "Overlaps “Morning block” 09:00–10:00 (saved anyway)." in r.stderr
    assert len(shell.entries()) == 2
    # --json: the answer itself lists them, and stderr stays quiet for scripts.
    r = shell.run("add", "--json", '15m review "PR" at 9:45')
    assert r.returncode == 0 and r.stderr == ""
    assert [o["title"] for o in json.loads(r.stdout)["overlaps"]] == ["Morning block", "Standup"]
