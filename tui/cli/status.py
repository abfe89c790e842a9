"""`englog status`: one line about the running timer, for a shell prompt or a tmux bar.

Its own module (not tui/cli/timer.py) so it loads nothing but click and the standard
library when the stored token is fresh: bench/bench_tui.py --status-only measures it and
tests/cli/test_status_fast.py checks what it imports.
"""

from __future__ import annotations

from typing import Any

import click

from tui.api import endpoints as ep
from tui.cli import quick_get
from tui.cli.exits import CliError, Exit
from tui.cli.session import Cli, verb


def elapsed(seconds: int) -> str:
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}"


def current_timer(cli: Cli) -> Any:
    """GET the running timer: with the standard library while the access token is fresh,
    else (or if that fails) through ApiClient, which refreshes the session and maps errors."""
    url = cli.settings.server_url
    token = cli.tokens.access_token
    if url and cli.tokens.present and quick_get.token_is_fresh(token):
        try:
            state = quick_get.get_json(url, ep.TIMER_CURRENT.path(), token or "",
                                       cli.settings.request_timeout)
        except quick_get.TimedOut as exc:
            # The same words ApiClient's Unreachable uses for a timeout.
            raise CliError(Exit.UNREACHABLE, "unreachable",
                           f"Cannot reach the server at {url.rstrip('/')} (timed out).") from exc
        if isinstance(state, dict):
            return state
    return cli.call(ep.current_timer)


@click.command()
@verb
def status(cli: Cli) -> None:
    """One line about the running timer, for a tmux status bar or a shell prompt."""
    state = current_timer(cli)
    timer = state.get("timer") if state.get("running") else None
    if timer is None:
        cli.emit({"running": False, "timer": None}, "no timer")
        return
    cli.emit({"running": True, "timer": timer},
             f"● {elapsed(timer['elapsed_seconds'])} {timer['title'] or '(untitled)'} "
             f"[{timer['type']}]")
