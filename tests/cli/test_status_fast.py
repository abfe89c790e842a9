"""`englog status` answers with the standard library while the access token is fresh, and
falls back to ApiClient (refresh under the token file's lock) otherwise. Both paths print
the same line, the same --json and the same exit codes; which path ran is told by the
modules the process loaded."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import time
from pathlib import Path

from tests.cli.conftest import Shell
from tests.support.servers import free_port
from tui.cli.quick_get import token_is_fresh

HEAVY = ("textual", "rich", "backend", "httpx", "httpcore", "anyio", "asyncio")

PROBE = """
import io, json, sys
from contextlib import redirect_stdout
from tui.main import main
out = io.StringIO()
try:
    with redirect_stdout(out):
        main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
# None entries are blocked imports (tui.main blocks httpx._main), not loaded modules.
loaded = {name.split(".")[0] for name, mod in sys.modules.items() if mod is not None}
heavy = sorted(loaded & set(HEAVY))
print(json.dumps({"code": code, "heavy": heavy, "stdout": out.getvalue()}), file=sys.stderr)
""".replace("HEAVY", repr(HEAVY))


def probe(shell: Shell, *args: str) -> dict:
    env = {"XDG_CONFIG_HOME": str(shell.home), "PATH": "/usr/bin:/bin"}
    r = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True,
                       env=env, timeout=60)
    return json.loads(r.stderr.strip().splitlines()[-1])


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def with_exp(token: str, exp: float) -> str:
    """`token` with its `exp` claim replaced (so its signature no longer holds)."""
    head, payload, sig = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return ".".join((head, _b64({**claims, "exp": int(exp)}), sig))


def tokens_file(shell: Shell) -> Path:
    return shell.config / "tokens.json"


def set_access_token(shell: Shell, token: str) -> dict:
    saved = json.loads(tokens_file(shell).read_text())
    saved["access_token"] = token
    tokens_file(shell).write_text(json.dumps(saved))
    return saved


def test_fresh_token_answers_without_httpx_asyncio_or_textual(shell: Shell):
    assert shell.run("start", "Fast", "path", "-t", "code").returncode == 0
    before = tokens_file(shell).read_text()
    assert token_is_fresh(json.loads(before)["access_token"])

    out = probe(shell, "status")
    assert out["heavy"] == [] and out["code"] == 0, out
    assert out["stdout"] == "● 0:00 Fast path [code]\n"
    out = probe(shell, "status", "--json")
    assert out["heavy"] == [] and out["code"] == 0, out
    state = json.loads(out["stdout"])
    assert state["running"] is True and state["timer"]["title"] == "Fast path"
    assert set(state) == {"running", "timer"}
    assert tokens_file(shell).read_text() == before  # nothing refreshed

    assert shell.json("stop")["title"] == "Fast path"
    out = probe(shell, "status")
    assert (out["code"], out["stdout"], out["heavy"]) == (0, "no timer\n", [])
    out = probe(shell, "status", "--json")
    assert json.loads(out["stdout"]) == {"running": False, "timer": None}


def test_expired_access_token_falls_back_refreshes_and_answers(shell: Shell):
    assert shell.run("start", "Slow", "path", "-t", "debugging").returncode == 0
    real = json.loads(tokens_file(shell).read_text())["access_token"]
    expired = with_exp(real, time.time() - 60)
    saved = set_access_token(shell, expired)

    out = probe(shell, "status")
    assert out["code"] == 0 and out["stdout"] == "● 0:00 Slow path [debug]\n", out
    assert "httpx" in out["heavy"] and "textual" not in out["heavy"]  # the full client ran
    renewed = json.loads(tokens_file(shell).read_text())
    assert renewed["access_token"] not in (expired, real)
    assert renewed["refresh_token"] != saved["refresh_token"]  # rotated, and kept
    assert token_is_fresh(renewed["access_token"])
    # The refreshed token takes the fast path again, with the same --json.
    out = probe(shell, "status", "--json")
    assert out["heavy"] == [] and json.loads(out["stdout"])["timer"]["title"] == "Slow path"


def test_token_the_server_refuses_falls_back_too(shell: Shell):
    # `exp` is read without checking the signature, so a forged or revoked-but-unexpired
    # token goes the fast way first; the server's 401 sends it through the refresh.
    real = json.loads(tokens_file(shell).read_text())["access_token"]
    forged = with_exp(real, time.time() + 3600)
    set_access_token(shell, forged)
    assert shell.json("status") == {"running": False, "timer": None}
    renewed = json.loads(tokens_file(shell).read_text())["access_token"]
    assert renewed != forged and token_is_fresh(renewed)


def test_expired_session_is_still_exit_2(shell: Shell):
    saved = json.loads(tokens_file(shell).read_text())
    saved["access_token"] = with_exp(saved["access_token"], time.time() - 60)
    saved["refresh_token"] = "revoked"
    tokens_file(shell).write_text(json.dumps(saved))
    err = shell.json("status", code=2)["error"]
    assert err["reason"] == "session_expired"
    assert not tokens_file(shell).exists()  # forgotten, as before
    r = shell.run("status")
    assert r.returncode == 2 and "englog login" in r.stderr


def test_fresh_token_but_server_down_is_exit_3(shell: Shell):
    toml = shell.config / "config.toml"
    toml.write_text(toml.read_text().replace(shell.api_url, f"http://127.0.0.1:{free_port()}"))
    assert token_is_fresh(json.loads(tokens_file(shell).read_text())["access_token"])
    r = shell.run("status")
    assert r.returncode == 3 and "Cannot reach the server" in r.stderr and r.stdout == ""
    assert shell.json("status", code=3)["error"]["reason"] == "unreachable"


def test_token_is_fresh_reads_exp_only():
    now = 1_000_000.0
    head = _b64({"alg": "HS256"})
    assert token_is_fresh(f"{head}.{_b64({'exp': now + 3600})}.sig", now)
    assert not token_is_fresh(f"{head}.{_b64({'exp': now - 1})}.sig", now)
    assert not token_is_fresh(f"{head}.{_b64({'exp': now + 2})}.sig", now)  # about to lapse
    assert not token_is_fresh(f"{head}.{_b64({'sub': 'x'})}.sig", now)  # no exp
    for junk in (None, "", "expired.or.forged", "one-part", f"{head}.!!!.sig"):
        assert not token_is_fresh(junk, now)
