"""`englog status [--json]` answered before click is imported.

The status line runs in shell prompts and tmux bars, so its start-up is the product
(bench/bench_tui.py --status-only measures it; the target is < 150 ms). click alone costs
about as much as the rest of the verb, so tui/main.py hands the two plain spellings of the
verb to `answer` first. It reads the same config and token files as the click verb
(tui/cli/status.py, still the one `englog --help` lists), makes one GET with the standard
library (tui/cli/quick_get.py) and prints what the click verb would print.

Whatever it cannot answer for sure it leaves to the click verb *before printing anything*:
other arguments, no session or an access token near its expiry (the click verb refreshes
under the token file's lock), a config file it cannot read, any answer but a 200 (a 401 is
refreshed, a 5xx and problem answers are worded there), a terminal that is not UTF-8. The
only failure it reports itself is an unreachable server, in the words ApiClient uses.
tests/cli/test_status_fast.py compares both paths and checks what this one imports.
"""

from __future__ import annotations

import codecs
import json
import os
import sys
from typing import Any

from tui.api import endpoints as ep
from tui.cli import config_lite, quick_get
from tui.cli.exits import CliError, Exit, error_output


def elapsed(seconds: int) -> str:
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}"


def render(state: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """(--json data, text line) for GET /v1/timers/current's answer: both paths print this."""
    timer = state.get("timer") if state.get("running") else None
    if timer is None:
        return {"running": False, "timer": None}, "no timer"
    return (
        {"running": True, "timer": timer},
        f"● {elapsed(timer['elapsed_seconds'])} {timer['title'] or '(untitled)'} [{timer['type']}]",
    )


def unreachable(url: str, cause: str) -> CliError:
    # ApiClient's Unreachable message, so the words do not depend on the path taken.
    return CliError(
        Exit.UNREACHABLE, "unreachable", f"Cannot reach the server at {url.rstrip('/')} ({cause})."
    )


def config_dir() -> str | None:
    """tui.paths.Paths.default() without pathlib (and its dataclass): None if no home."""
    base = os.environ.get("XDG_CONFIG_HOME")
    if not base:
        home = os.path.expanduser("~")
        if home == "~":
            return None  # Path.home() raises here; let the click verb do whatever it does
        base = os.path.join(home, ".config")
    return os.path.join(base, "englog")


def _utf8(stream: Any) -> bool:
    """click.echo re-wraps an ASCII stdout; for anything but UTF-8 let click write."""
    try:
        return codecs.lookup(stream.encoding).name == "utf-8"
    except (AttributeError, LookupError, TypeError):
        return False


def answer(args: list[str]) -> int | None:
    """Print the answer to `englog <args>` and return its exit code; or print nothing and
    return None when the click verb must answer."""
    if args not in (["status"], ["status", "--json"]):
        return None
    as_json = len(args) == 2
    root = config_dir()
    if root is None or not (_utf8(sys.stdout) and _utf8(sys.stderr)):
        return None
    try:
        settings = config_lite.read_files(
            os.path.join(root, "config.toml"), os.path.join(root, "config.json")
        )
        with open(os.path.join(root, "tokens.json"), encoding="utf-8") as f:
            tokens = json.load(f)
        token, refresh = tokens.get("access_token"), tokens.get("refresh_token")
    except (CliError, OSError, ValueError, AttributeError):
        return None  # the click verb reports a bad config, moves a corrupt token file aside
    url = settings.server_url
    if not (url and refresh and isinstance(token, str) and quick_get.token_is_fresh(token)):
        return None
    try:
        state = quick_get.get_json(url, ep.TIMER_CURRENT.path(), token, settings.request_timeout)
    except quick_get.Unreachable as exc:
        return _print(*error_output(unreachable(url, exc.cause), as_json), Exit.UNREACHABLE)
    if not isinstance(state, dict):
        return None
    try:
        data, text = render(state)
    except (KeyError, TypeError):
        return None  # an answer the click verb fails on: let it fail its own way
    if as_json:
        return _print(json.dumps(data, ensure_ascii=False, default=str), False, Exit.OK)
    if "\x1b" in text:
        return None  # click strips ANSI codes when stdout is no terminal: leave it to click
    return _print(text, False, Exit.OK)


def _print(text: str, on_stderr: bool, code: Exit) -> int:
    stream = sys.stderr if on_stderr else sys.stdout
    stream.write(text + "\n")
    stream.flush()  # as click.echo does
    return int(code)
