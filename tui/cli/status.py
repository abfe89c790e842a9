"""`englog status`: one line about the running timer, for a shell prompt or a tmux bar.

The plain spellings (`englog status`, `englog status --json`) are normally answered before
click is even imported, by tui/cli/status_fast.py (tui/main.py dispatches to it); this click
verb is what `englog --help` lists and what answers whenever the fast path declines (no
session, an access token near its expiry, a 401, an error answer, other options). Both print
through status_fast.render, so the output does not depend on the path taken.

Its own module (not tui/cli/timer.py) so it loads nothing but click and the standard
library when the stored token is fresh; tests/cli/test_status_fast.py checks what it imports.
"""

from __future__ import annotations

from typing import Any

import click

from tui.api import endpoints as ep
from tui.cli import quick_get
from tui.cli.session import Cli, verb
from tui.cli.status_fast import render, unreachable


def current_timer(cli: Cli) -> Any:
    """GET the running timer: with the standard library while the access token is fresh,
    else (or if that fails) through ApiClient, which refreshes the session and maps errors."""
    url = cli.settings.server_url
    token = cli.tokens.access_token
    if url and cli.tokens.present and quick_get.token_is_fresh(token):
        try:
            state = quick_get.get_json(
                url, ep.TIMER_CURRENT.path(), token or "", cli.settings.request_timeout
            )
        except quick_get.Unreachable as exc:
            raise unreachable(url, exc.cause) from exc
        if isinstance(state, dict):
            return state
    return cli.call(ep.current_timer)


@click.command()
@verb
def status(cli: Cli) -> None:
    """One line about the running timer, for a tmux status bar or a shell prompt."""
    data, text = render(current_timer(cli))
    cli.emit(data, text)
