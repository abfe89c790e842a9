"""What every shell verb shares with the TUI: its config dir, settings and token file, an
ApiClient, and one mapping from API failures to exit codes and output (text or --json).

Nothing here (or in any tui/cli module) may import Textual: `englog status` runs in shell
prompts and tmux status bars (tests/cli/test_imports.py checks it).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Awaitable, Callable
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

import click

from tui.cli import config_lite
from tui.cli.exits import CliError, Exit, error_output
from tui.paths import Paths
from tui.storage import TokenStore

if TYPE_CHECKING:
    # Imported where used: httpx and asyncio were most of `englog status`'s start-up, and
    # its fast path (tui/cli/status.py) needs neither, nor a time zone.
    from zoneinfo import ZoneInfo

    from tui.api.client import ApiClient, ApiError

T = TypeVar("T")

LOGIN_HINT = "run: englog login --server URL --email EMAIL"


class Cli:
    def __init__(self, paths: Paths, as_json: bool = False):
        self.paths = paths
        self.as_json = as_json

    @cached_property
    def settings(self) -> config_lite.VerbSettings:
        return config_lite.read(self.paths)

    @cached_property
    def tokens(self) -> TokenStore:
        return TokenStore(self.paths.tokens)

    @property
    def user(self) -> dict[str, Any]:
        return self.tokens.user or {}

    @property
    def preferences(self) -> dict[str, Any]:
        return self.user.get("preferences") or {}

    @property
    def tz(self) -> ZoneInfo:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            return ZoneInfo(self.user.get("timezone") or "UTC")
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo("UTC")

    def now(self) -> datetime:
        return datetime.now(self.tz)

    def api(self, server_url: str | None = None, logged_in: bool = True) -> ApiClient:
        url = server_url or self.settings.server_url
        if not url:
            raise CliError(Exit.NOT_LOGGED_IN, "no_server", f"No server configured: {LOGIN_HINT}")
        if logged_in and not self.tokens.present:
            raise CliError(Exit.NOT_LOGGED_IN, "not_logged_in", f"Not logged in: {LOGIN_HINT}")
        from tui.api.client import ApiClient

        return ApiClient(url, self.tokens, timeout=self.settings.request_timeout)

    def call(self, fn: Callable[[ApiClient], Awaitable[T]], *, server_url: str | None = None,
             logged_in: bool = True) -> T:
        """Run `fn(api)` on a fresh event loop, turning API failures into CliError."""
        api = self.api(server_url, logged_in)  # first: "not logged in" needs no httpx
        import asyncio

        from tui.api.client import ApiError, SessionExpired, Unreachable

        async def go() -> T:
            try:
                return await fn(api)
            finally:
                await api.aclose()

        try:
            return asyncio.run(go())
        except SessionExpired as exc:
            raise CliError(Exit.NOT_LOGGED_IN, "session_expired",
                           f"Your session has expired: {LOGIN_HINT}") from exc
        except Unreachable as exc:
            raise CliError(Exit.UNREACHABLE, "unreachable", str(exc)) from exc
        except ApiError as exc:
            raise api_error(exc) from exc

    # -- output ------------------------------------------------------------------------------
    def emit(self, data: Any, text: str) -> None:
        """One result: `data` as JSON with --json, else `text`."""
        click.echo(json.dumps(data, ensure_ascii=False, default=str) if self.as_json else text)

    def warn(self, text: str) -> None:
        """A warning beside the result, on stderr so scripts reading stdout never see it;
        with --json the result itself carries the facts, so nothing is printed."""
        if not self.as_json:
            click.echo(text, err=True)


def api_error(exc: ApiError) -> CliError:
    if exc.status == 401:
        return CliError(Exit.NOT_LOGGED_IN, "unauthorized", exc.message)
    if exc.status in (404, 409):
        return CliError(Exit.CONFLICT, "conflict" if exc.status == 409 else "not_found",
                        exc.message, status=exc.status)
    return CliError(Exit.REJECTED, "rejected", exc.message, exc.field_errors(),
                    status=exc.status)


def fail(err: CliError, as_json: bool) -> None:
    """Report `err` (a JSON object on stdout with --json, a line on stderr otherwise) and exit."""
    text, on_stderr = error_output(err, as_json)
    click.echo(text, err=on_stderr)
    sys.exit(int(err.code))


def verb(fn: Callable[..., None]) -> Callable[..., None]:
    """Turn `fn(cli, **options)` into a click callback with --json and the exit codes."""

    @click.option("--json", "as_json", is_flag=True, help="Print JSON on stdout (errors too).")
    @click.pass_context
    def run(ctx: click.Context, as_json: bool, **kwargs: Any) -> None:
        cli = Cli(ctx.obj["paths"], as_json)
        try:
            fn(cli, **kwargs)
        except CliError as err:
            fail(err, as_json)

    run.__name__ = fn.__name__
    run.__doc__ = fn.__doc__
    return run
