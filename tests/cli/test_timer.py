"""`englog start|stop|cancel|status` against the real API: what is stored, the exit codes and
the --json output."""

from __future__ import annotations

import asyncpg
import pytest

from tests.cli.conftest import Shell, log_in, new_shell


def make_project(sh: Shell, name: str) -> str:
    with sh.http() as c:
        r = c.post("/v1/projects", json={"name": name})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def set_preferences(sh: Shell, **prefs: str) -> None:
    with sh.http() as c:
        r = c.put("/v1/users/preferences", json=prefs)
    assert r.status_code == 200, r.text


async def timer_row(db: asyncpg.Pool, user_id: str) -> asyncpg.Record | None:
    return await db.fetchrow("SELECT * FROM active_timers WHERE user_id = $1::uuid", user_id)


@pytest.mark.asyncio(loop_scope="session")
async def test_start_status_stop_logs_the_entry(shell: Shell, db: asyncpg.Pool):
    pid = make_project(shell, "Auth Modernization")
    set_preferences(shell, default_value_rating="high", default_impact_level="product")
    out = shell.json("start", "Fix", "token", "refresh", "race", "--type", "debugging",
                     "--project", "auth-modernization", "--tag", "bug-fix", "--tag", "P1")
    assert out["title"] == "Fix token refresh race" and out["type"] == "debug"
    assert out["project_name"] == "Auth Modernization"
    row = await timer_row(db, shell.user_id)
    assert row is not None and str(row["project_id"]) == pid
    assert (row["value_rating"], row["impact_level"]) == ("high", "product")

    line = shell.run("status")
    assert line.returncode == 0
    assert line.stdout.count("\n") == 1  # one line, for a status bar
    assert line.stdout.startswith("● 0:00 Fix token refresh race [debug]")
    status = shell.json("status")
    assert status["running"] is True and status["timer"]["tags"] == ["bug-fix", "p1"]

    again = shell.json("start", "Something else", code=5)["error"]
    assert again["reason"] == "conflict" and again["status"] == 409

    entry = shell.json("stop")
    assert await timer_row(db, shell.user_id) is None
    stored = shell.entries()
    assert [e["id"] for e in stored] == [entry["id"]]
    e = stored[0]
    assert (e["title"], e["type"], e["project_id"]) == ("Fix token refresh race", "debug", pid)
    assert (e["value_rating"], e["impact_level"]) == ("high", "product")
    assert sorted(e["tags"]) == ["bug-fix", "p1"]
    assert shell.json("status") == {"running": False, "timer": None}
    assert shell.run("status").stdout == "no timer\n"


def test_stop_or_cancel_without_a_timer_is_exit_5(shell: Shell):
    assert shell.json("stop", code=5)["error"]["reason"] == "not_found"
    r = shell.run("cancel")
    assert r.returncode == 5 and "Running timer" in r.stderr
    assert shell.entries() == []


@pytest.mark.asyncio(loop_scope="session")
async def test_cancel_discards_the_timer(shell: Shell, db: asyncpg.Pool):
    assert shell.run("start", "Spike").returncode == 0
    assert await timer_row(db, shell.user_id) is not None
    assert shell.json("cancel") == {"cancelled": True}
    assert await timer_row(db, shell.user_id) is None
    assert shell.entries() == []


def test_untitled_timer_needs_a_title_to_stop(shell: Shell):
    assert shell.run("start").returncode == 0
    err = shell.json("stop", code=4)["error"]
    assert "title" in err["fields"]
    assert shell.json("status")["running"] is True  # the timer keeps running
    entry = shell.json("stop", "--title", "Named at the end")
    assert entry["title"] == "Named at the end"
    assert [e["title"] for e in shell.entries()] == ["Named at the end"]


def test_unknown_project_is_rejected_and_starts_nothing(shell: Shell):
    err = shell.json("start", "x", "--project", "nope", code=4)["error"]
    assert err["reason"] == "unknown_project" and err["unknown_project"] == "nope"
    assert shell.json("status")["running"] is False


def test_users_see_only_their_own_timer(tmp_path, api_url, shell: Shell):
    other = log_in(new_shell(tmp_path, api_url, "other"))
    make_project(shell, "Secret")
    assert shell.run("start", "Mine").returncode == 0
    assert other.json("status") == {"running": False, "timer": None}
    assert other.json("stop", code=5)["error"]["reason"] == "not_found"
    # Another user's project name does not resolve either.
    assert other.json("start", "x", "-p", "Secret", code=4)["error"]["reason"] == (
        "unknown_project")
    assert shell.json("status")["timer"]["title"] == "Mine"


async def test_stopping_a_timer_that_overlaps_an_entry_warns_on_stderr(shell: Shell,
                                                                       db: asyncpg.Pool):
    assert shell.run("add", '15m code "Deep work"').returncode == 0  # ends about now
    assert shell.run("start", "Call with Sam").returncode == 0
    await db.execute("UPDATE active_timers SET started_at = now() - interval '30 minutes' "
                     "WHERE user_id = $1::uuid", shell.user_id)
    r = shell.run("stop")
    assert r.returncode == 0, r.stderr
    assert "Logged “Call with Sam”" in r.stdout
    assert "Overlaps “Deep work”" in r.stderr and "(saved anyway)" in r.stderr
