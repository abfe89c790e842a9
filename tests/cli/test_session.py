"""`englog login`/`logout` and the exit codes every verb shares: not logged in (2), server
unreachable (3), usage (1). The session is the terminal UI's: same files, same format."""

from __future__ import annotations

import json
import stat

from tests.cli.conftest import Shell, log_in, new_shell, register
from tests.support.servers import free_port


def test_login_writes_the_tuis_config_and_a_private_token_file(tmp_path, api_url):
    sh = new_shell(tmp_path, api_url)
    sh.email, sh.password, _ = register(api_url, timezone="Europe/Berlin")
    out = sh.json("login", "--server", api_url + "/", "--email", sh.email, "--password-stdin",
                  stdin=sh.password + "\n")
    assert out["server"] == api_url
    assert out["user"]["email"] == sh.email and out["user"]["timezone"] == "Europe/Berlin"
    tokens = sh.config / "tokens.json"
    assert stat.S_IMODE(tokens.stat().st_mode) == 0o600
    saved = json.loads(tokens.read_text())
    assert saved["access_token"] and saved["refresh_token"]
    assert saved["user"]["preferences"]["default_impact_level"]  # what `add` previews with
    assert f'server_url = "{api_url}"' in (sh.config / "config.toml").read_text()
    # The token works: the API knows who this is.
    with sh.http() as c:
        assert c.get("/v1/auth/me").json()["email"] == sh.email


def test_wrong_password_is_exit_2_and_stores_nothing(tmp_path, api_url):
    sh = new_shell(tmp_path, api_url)
    email, _, _ = register(api_url)
    err = sh.json("login", "--server", api_url, "--email", email, "--password-stdin",
                  stdin="not the password\n", code=2)["error"]
    assert err["reason"] == "bad_credentials" and err["code"] == 2
    assert not (sh.config / "tokens.json").exists()
    r = sh.run("login", "--server", api_url, "--email", email, "--password-stdin",
               stdin="still wrong\n")
    assert r.returncode == 2 and "Wrong email or password" in r.stderr and r.stdout == ""


def test_verbs_before_login_exit_2_with_a_hint(tmp_path, api_url):
    sh = new_shell(tmp_path, api_url)
    for verb in (["status"], ["stop"], ["add", "1h code x"], ["log"]):
        r = sh.run(*verb)
        assert r.returncode == 2, (verb, r.stderr)
        assert "englog login" in r.stderr
    assert sh.json("status", code=2)["error"]["reason"] == "no_server"


def test_unreachable_server_is_exit_3(shell: Shell):
    toml = shell.config / "config.toml"
    toml.write_text(toml.read_text().replace(shell.api_url, f"http://127.0.0.1:{free_port()}"))
    r = shell.run("status")
    assert r.returncode == 3 and "Cannot reach the server" in r.stderr
    assert shell.json("start", "x", code=3)["error"]["reason"] == "unreachable"


def test_usage_errors_are_exit_1(shell: Shell):
    assert shell.run("start", "x", "--type", "nonsense").returncode == 1
    assert shell.run("log", "--to", "2025-03-10").returncode == 1
    assert shell.run("log", "--week", "--from", "2025-03-10").returncode == 1
    assert shell.run("report", "weekly", "--out", "x.md").returncode == 1
    assert shell.run("no-such-verb").returncode == 1
    r = shell.run("--help")
    assert r.returncode == 0 and "Exit codes" in r.stdout and "status" in r.stdout


def test_an_expired_access_token_is_refreshed_and_saved_for_the_tui(shell: Shell):
    tokens = shell.config / "tokens.json"
    saved = json.loads(tokens.read_text())
    saved["access_token"] = "expired.or.forged"
    tokens.write_text(json.dumps(saved))
    assert shell.json("status") == {"running": False, "timer": None}
    renewed = json.loads(tokens.read_text())
    assert renewed["access_token"] != "expired.or.forged"
    assert renewed["refresh_token"] != saved["refresh_token"]  # rotated, and kept
    assert shell.json("status")["running"] is False  # the saved pair works


def test_logout_revokes_the_session_and_forgets_it(shell: Shell):
    refresh = json.loads((shell.config / "tokens.json").read_text())["refresh_token"]
    assert shell.json("logout") == {"logged_out": True}
    assert not (shell.config / "tokens.json").exists()
    assert shell.run("status").returncode == 2
    import httpx

    r = httpx.post(f"{shell.api_url}/v1/auth/refresh", json={"refresh_token": refresh})
    assert r.status_code == 401


def test_login_again_as_someone_else_switches_user(tmp_path, api_url):
    sh = log_in(new_shell(tmp_path, api_url))
    other = log_in(Shell(sh.home, api_url))
    with sh.http() as c:
        assert c.get("/v1/auth/me").json()["email"] == other.email
