"""`englog status [--json]` is answered before click is imported (tui/cli/status_fast.py)
while the stored access token is fresh, and falls through to the click verb (which refreshes
through ApiClient) otherwise. Both paths print the same line, the same --json and the same
exit codes; which path ran is told by the modules the process loaded.

`englog --config-dir DIR status` is the same request through the click verb (the fast path
only takes the two plain spellings), so each comparison below runs both against the same
files and the real API.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import ssl
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from deploy_tools import certs
from tests.cli.conftest import Shell
from tests.support.servers import free_port
from tui.cli import quick_get, status_fast
from tui.cli.quick_get import token_is_fresh

# Whole packages the fast path must never load: the TUI, the HTTP clients (http.client
# drags in `email`), click, pydantic, and dataclasses (which imports `inspect`). ssl is
# only for an https server.
HEAVY = (
    "textual",
    "rich",
    "backend",
    "httpx",
    "httpcore",
    "anyio",
    "asyncio",
    "click",
    "http",
    "email",
    "pydantic",
    "pydantic_settings",
    "dataclasses",
    "inspect",
    "ssl",
)

# Runs `englog ARGS` in a clean interpreter, as the console script does, and reports on the
# last line of stderr which of HEAVY it loaded. stdout stays the real pipe: the fast path
# checks that it can write UTF-8 to it.
PROBE = """
import json, sys
from tui.main import main
code = 0
try:
    main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
sys.stdout.flush()
# None entries are blocked imports (tui.main blocks httpx._main), not loaded modules.
loaded = {name.split(".")[0] for name, mod in sys.modules.items() if mod is not None}
print("\\n" + json.dumps({"code": code, "heavy": sorted(loaded & set(HEAVY))}),
      file=sys.stderr)
sys.exit(code)
""".replace("HEAVY", repr(HEAVY))


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    heavy: list[str]

    def same_output(self) -> tuple[int, str, str]:
        return self.code, self.stdout, self.stderr


def probe(shell: Shell, *args: str, **env: str) -> Run:
    full = {"XDG_CONFIG_HOME": str(shell.home), "PATH": "/usr/bin:/bin", **env}
    r = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=full, timeout=60
    )
    err, _, report = r.stderr.rstrip("\n").rpartition("\n")
    out = json.loads(report)
    assert out["code"] == r.returncode, r.stderr
    return Run(r.returncode, r.stdout, err.removesuffix("\n"), out["heavy"])


def both_paths(shell: Shell, *args: str, **env: str) -> tuple[Run, Run]:
    """`englog status ARGS` (the fast path) and the same through the click verb."""
    fast = probe(shell, "status", *args, **env)
    slow = probe(shell, "--config-dir", str(shell.config), "status", *args, **env)
    assert "click" in slow.heavy, slow
    return fast, slow


def without_elapsed(stdout: str) -> dict:
    """--json output minus the one field that moves between two runs."""
    data = json.loads(stdout)
    if data.get("timer"):
        data["timer"].pop("elapsed_seconds")
    return data


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


def set_server(shell: Shell, url: str) -> None:
    toml = shell.config / "config.toml"
    text = toml.read_text()
    current = next(line for line in text.splitlines() if line.startswith("server_url"))
    toml.write_text(text.replace(current, f"server_url = {json.dumps(url)}"))


# -- the fast path answers, exactly as the click verb would ----------------------------------
def test_fresh_token_answers_before_click_with_the_click_verbs_output(shell: Shell):
    assert shell.run("start", "Fast", "path", "-t", "code").returncode == 0
    before = tokens_file(shell).read_text()
    assert token_is_fresh(json.loads(before)["access_token"])

    fast, slow = both_paths(shell)
    assert fast.heavy == [], fast  # no click, httpx, http.client, email, ssl...
    assert fast.same_output() == slow.same_output() == (0, "● 0:00 Fast path [code]\n", "")

    fast, slow = both_paths(shell, "--json")
    assert fast.heavy == [] and (fast.code, fast.stderr) == (slow.code, slow.stderr) == (0, "")
    state = without_elapsed(fast.stdout)
    assert state == without_elapsed(slow.stdout)
    assert state["running"] is True and state["timer"]["title"] == "Fast path"
    assert set(state) == {"running", "timer"}
    assert tokens_file(shell).read_text() == before  # nothing refreshed

    assert shell.json("stop")["title"] == "Fast path"
    fast, slow = both_paths(shell)
    assert fast.heavy == [] and fast.same_output() == slow.same_output() == (0, "no timer\n", "")
    fast, slow = both_paths(shell, "--json")
    assert fast.heavy == [] and fast.same_output() == slow.same_output()
    assert json.loads(fast.stdout) == {"running": False, "timer": None}


def test_the_console_script_takes_the_fast_path_too(shell: Shell):
    # What a prompt runs: the `englog` entry point, not tui.main called by hand.
    assert shell.run("start", "Prompt").returncode == 0
    env = {
        "XDG_CONFIG_HOME": str(shell.home),
        "PATH": "/usr/bin:/bin",
        "PYTHONPROFILEIMPORTTIME": "1",
    }
    r = subprocess.run(
        [str(Path(sys.executable).with_name("englog")), "status"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert (r.returncode, r.stdout) == (0, "● 0:00 Prompt [code]\n")
    imported = {line.rpartition("|")[2].strip() for line in r.stderr.splitlines()}
    assert "tui.cli.status_fast" in imported
    assert not imported & {"click", "http.client", "email", "httpx", "tui.cli.root"}


def test_a_title_with_terminal_codes_is_left_to_click(shell: Shell):
    # click.echo strips ANSI codes when stdout is not a terminal; the fast path does not
    # copy that rule, it hands the answer over (and --json escapes them anyway).
    with shell.http() as c:
        r = c.post("/v1/timers/start", json={"title": "red \x1b[31malert\x1b[0m"})
    assert r.status_code == 201, r.text
    fast, slow = both_paths(shell)
    assert "click" in fast.heavy
    assert fast.same_output() == slow.same_output() == (0, "● 0:00 red alert [code]\n", "")
    fast, slow = both_paths(shell, "--json")
    assert fast.heavy == [] and without_elapsed(fast.stdout) == without_elapsed(slow.stdout)
    assert json.loads(fast.stdout)["timer"]["title"] == "red \x1b[31malert\x1b[0m"


# -- and hands over whatever it cannot answer for sure ---------------------------------------
def test_expired_access_token_falls_back_refreshes_and_answers(shell: Shell):
    assert shell.run("start", "Slow", "path", "-t", "debugging").returncode == 0
    real = json.loads(tokens_file(shell).read_text())["access_token"]
    expired = with_exp(real, time.time() - 60)
    saved = set_access_token(shell, expired)

    out = probe(shell, "status")
    assert out.code == 0 and out.stdout == "● 0:00 Slow path [debug]\n", out
    assert {"click", "httpx"} <= set(out.heavy) and "textual" not in out.heavy  # full client
    renewed = json.loads(tokens_file(shell).read_text())
    assert renewed["access_token"] not in (expired, real)
    assert renewed["refresh_token"] != saved["refresh_token"]  # rotated, and kept
    assert token_is_fresh(renewed["access_token"])
    # The refreshed token takes the fast path again, with the same --json.
    out = probe(shell, "status", "--json")
    assert out.heavy == [] and json.loads(out.stdout)["timer"]["title"] == "Slow path"


def test_token_the_server_refuses_falls_back_too(shell: Shell):
    # `exp` is read without checking the signature, so a forged or revoked-but-unexpired
    # token goes the fast way first; the server's 401 sends it through the refresh.
    real = json.loads(tokens_file(shell).read_text())["access_token"]
    forged = with_exp(real, time.time() + 3600)
    set_access_token(shell, forged)
    out = probe(shell, "status", "--json")
    assert (out.code, json.loads(out.stdout)) == (0, {"running": False, "timer": None})
    assert "httpx" in out.heavy
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


def test_not_logged_in_and_odd_arguments_are_clicks(tmp_path, api_url):
    nobody = Shell(tmp_path / "nobody", api_url)
    nobody.home.mkdir()
    fast, slow = both_paths(nobody)
    assert "click" in fast.heavy and fast.same_output() == slow.same_output()
    assert fast.code == 2 and "englog login" in fast.stderr
    out = probe(nobody, "status", "--help")
    assert out.code == 0 and "One line about the running timer" in out.stdout
    out = probe(nobody, "status", "--bogus")
    assert out.code == 1 and "No such option" in out.stderr


def test_a_proxy_in_the_environment_is_left_to_apiclient(shell: Shell):
    # httpx honours the proxy variables (here: a dead proxy, bypassed for this host by
    # no_proxy); a direct connection could reach a server httpx would not, so the fast
    # path stands aside.
    assert shell.run("start", "Behind", "a", "proxy").returncode == 0
    proxy = {"http_proxy": "http://127.0.0.1:9", "no_proxy": "127.0.0.1,localhost"}
    fast, slow = both_paths(shell, **proxy)
    assert "httpx" in fast.heavy and fast.same_output() == slow.same_output()
    assert (fast.code, fast.stdout) == (0, "● 0:00 Behind a proxy [code]\n")


def test_a_broken_config_is_reported_by_click(shell: Shell):
    (shell.config / "config.toml").write_text('server_url = "unterminated\n')
    fast, slow = both_paths(shell)
    assert "click" in fast.heavy and fast.same_output() == slow.same_output()
    assert fast.code == 1 and "config.toml" in fast.stderr


# -- an unreachable server: the fast path says it, in ApiClient's words ----------------------
def test_fresh_token_but_server_down_is_exit_3_in_apiclients_words(shell: Shell):
    down = f"http://127.0.0.1:{free_port()}"
    set_server(shell, down)
    assert token_is_fresh(json.loads(tokens_file(shell).read_text())["access_token"])
    fast, slow = both_paths(shell)
    assert fast.heavy == [] and fast.same_output() == slow.same_output()
    message = f"Cannot reach the server at {down} (connection refused)."
    assert (fast.code, fast.stdout, fast.stderr) == (3, "", f"englog: {message}")
    # `englog stop` goes through ApiClient: the same words for the same failure.
    assert shell.run("stop").stderr.strip() == f"englog: {message}"
    fast, slow = both_paths(shell, "--json")
    assert fast.heavy == [] and fast.same_output() == slow.same_output()
    assert json.loads(fast.stdout) == {
        "error": {"code": 3, "reason": "unreachable", "message": message}
    }


def test_a_server_that_never_answers_times_out_once_as_exit_3(shell: Shell):
    with socket.create_server(("127.0.0.1", 0), backlog=16) as silent:  # never accept()s
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        set_server(shell, url)
        fast, slow = both_paths(shell, ENGLOG_TUI_REQUEST_TIMEOUT="0.5")
        assert fast.heavy == [] and fast.same_output() == slow.same_output()
        assert (fast.code, fast.stderr) == (
            3,
            f"englog: Cannot reach the server at {url} (timed out).",
        )
        fast, slow = both_paths(shell, "--json", ENGLOG_TUI_REQUEST_TIMEOUT="0.5")
        assert fast.heavy == [] and fast.same_output() == slow.same_output()
        assert json.loads(fast.stdout)["error"]["reason"] == "unreachable"


# -- https: verified against the same trust ApiClient uses -----------------------------------
class TlsFront:
    """TLS in front of the real API on 127.0.0.1: decrypts one request per connection,
    forwards it and relays the answer until the API closes (the client asks it to)."""

    def __init__(self, api_url: str, folder: Path):
        certs.init(folder, ["DNS:localhost", "IP:127.0.0.1"])
        self.ca = folder / "ca.crt"
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.context.load_cert_chain(folder / "server.crt", folder / "server.key")
        host, _, port = api_url.removeprefix("http://").partition(":")
        self.upstream = (host, int(port))
        self.server = socket.create_server(("127.0.0.1", 0))
        self.url = f"https://localhost:{self.server.getsockname()[1]}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            threading.Thread(target=self._relay, args=(conn,), daemon=True).start()

    def _relay(self, conn: socket.socket) -> None:
        try:
            with (
                self.context.wrap_socket(conn, server_side=True) as tls,
                socket.create_connection(self.upstream) as api,
            ):
                request = b""
                while b"\r\n\r\n" not in request and (chunk := tls.recv(65536)):
                    request += chunk
                api.sendall(request)
                while chunk := api.recv(65536):
                    tls.sendall(chunk)
        except (OSError, ssl.SSLError):
            conn.close()  # an untrusted client hangs up mid-handshake

    def close(self) -> None:
        self.server.close()


@contextmanager
def tls_front(api_url: str, folder: Path):
    front = TlsFront(api_url, folder)
    try:
        yield front
    finally:
        front.close()


def test_https_server_is_verified_and_answered_fast(shell: Shell, tmp_path: Path):
    assert shell.run("start", "Over", "TLS").returncode == 0
    with tls_front(shell.api_url, tmp_path / "tls") as front:
        set_server(shell, front.url)
        out = probe(shell, "status", SSL_CERT_FILE=str(front.ca))
        assert (out.code, out.stdout, out.heavy) == (0, "● 0:00 Over TLS [code]\n", ["ssl"])

        # A certificate nobody vouches for: the fast path gives up on it and ApiClient,
        # with the same trust, refuses it the way it always has.
        certs.init(tmp_path / "other", ["DNS:localhost"])
        stranger = str(tmp_path / "other" / "ca.crt")
        fast, slow = both_paths(shell, SSL_CERT_FILE=stranger)
        assert "httpx" in fast.heavy and fast.same_output() == slow.same_output()
        assert fast.code == 3 and "Cannot reach the server at" in fast.stderr


# -- the raw GET, against HTTP answers the API does not give ---------------------------------
@contextmanager
def answering(*parts: bytes):
    """A one-connection server that reads a request and answers with `parts` (sent one by
    one, so the reader sees them arrive in pieces), then closes."""
    server = socket.create_server(("127.0.0.1", 0))
    seen: list[bytes] = []

    def run() -> None:
        conn, _ = server.accept()
        with conn:
            request = b""
            while b"\r\n\r\n" not in request:
                request += conn.recv(4096)
            seen.append(request)
            try:
                for part in parts:
                    conn.sendall(part)
                    time.sleep(0.01)
            except OSError:
                pass  # the reader hung up early: it had seen enough to refuse the answer

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}/api", seen
    finally:
        thread.join(5)
        server.close()


BODY = b'{"running": false, "timer": null}'


@pytest.mark.parametrize(
    "parts",
    [
        [
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
            + str(len(BODY)).encode()
            + b"\r\n\r\n"
            + BODY
        ],
        [
            b"HTTP/1.1 200 OK\r\nContent-Length: " + str(len(BODY)).encode() + b"\r\n",
            b"\r\n" + BODY[:5],
            BODY[5:],
        ],
        [
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
            b"a;ext=1\r\n" + BODY[:10] + b"\r\n",
            b"%x\r\n" % (len(BODY) - 10),
            BODY[10:] + b"\r\n0\r\nX-Trailer: yes\r\n\r\n",
        ],
        [b"HTTP/1.0 200 OK\r\n\r\n" + BODY[:7], BODY[7:]],  # no length: up to the close
    ],
)
def test_get_json_reads_every_framing(parts):
    with answering(*parts) as (url, seen):
        assert quick_get.get_json(url, "/now", "tok", 5) == json.loads(BODY)
    head = seen[0].decode()
    assert head.startswith("GET /api/now HTTP/1.1\r\n")
    assert "\r\nAuthorization: Bearer tok\r\n" in head and "\r\nConnection: close\r\n" in head
    assert f"\r\nHost: {url.split('/')[2]}\r\n" in head


@pytest.mark.parametrize(
    "parts",
    [
        [b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 2\r\n\r\n{}"],
        [b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n"],
        [b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 3\r\n\r\nabc"],
        [b"HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n" + BODY],  # cut short
        [b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nnope!"],  # not JSON
        [b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"],
        [b"SSH-2.0-OpenSSH_9.6\r\n\r\n"],
    ],
)
def test_anything_else_is_left_to_apiclient(parts):
    with answering(*parts) as (url, _):
        assert quick_get.get_json(url, "/now", "tok", 5) is None


def test_split_url():
    assert quick_get.split_url("http://127.0.0.1:8000/") == (
        False,
        "127.0.0.1",
        8000,
        "127.0.0.1:8000",
        "",
    )
    assert quick_get.split_url("HTTPS://englog.example.com/base") == (
        True,
        "englog.example.com",
        443,
        "englog.example.com",
        "/base",
    )
    assert quick_get.split_url("http://[::1]:81") == (False, "::1", 81, "[::1]:81", "")
    for other in (
        "ftp://x",
        "englog.example.com",
        "http://user:pw@host",
        "http://h:99999",
        "http://h:port",
        "http://h/?q=1",
        "http://",
    ):
        assert quick_get.split_url(other) is None, other


def test_answer_takes_only_the_two_plain_spellings(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))  # nobody logged in here
    for args in (
        ["status"],
        ["status", "--json"],
        ["status", "-h"],
        ["status", "--json", "x"],
        ["stop"],
        [],
    ):
        assert status_fast.answer(args) is None
    assert capsys.readouterr() == ("", "")  # nothing printed: click answers, alone


def test_render_is_the_one_status_line():
    timer = {"elapsed_seconds": 3 * 3600 + 7 * 60 + 59, "title": "", "type": "ops"}
    assert status_fast.render({"running": True, "timer": timer}) == (
        {"running": True, "timer": timer},
        "● 3:07 (untitled) [ops]",
    )
    assert status_fast.render({"running": False, "timer": None})[1] == "no timer"


def test_token_is_fresh_reads_exp_only():
    now = 1_000_000.0
    head = _b64({"alg": "HS256"})
    assert token_is_fresh(f"{head}.{_b64({'exp': now + 3600})}.sig", now)
    assert not token_is_fresh(f"{head}.{_b64({'exp': now - 1})}.sig", now)
    assert not token_is_fresh(f"{head}.{_b64({'exp': now + 2})}.sig", now)  # about to lapse
    assert not token_is_fresh(f"{head}.{_b64({'sub': 'x'})}.sig", now)  # no exp
    for junk in (None, "", "expired.or.forged", "one-part", f"{head}.!!!.sig"):
        assert not token_is_fresh(junk, now)


def test_probe_sees_a_heavy_import():
    # The checks above rely on the probe noticing click; make sure it would.
    r = subprocess.run(
        [sys.executable, "-c", "import click; " + PROBE.replace("main(sys.argv[1:])", "pass")],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PATH": "/usr/bin:/bin"},
    )
    assert "click" in json.loads(r.stderr.strip().splitlines()[-1])["heavy"]
