"""`englog login` / `englog logout`: the same token file as the terminal UI."""

from __future__ import annotations

import sys

import click

from tui.api.client import ApiClient, ApiError
from tui.cli.exits import CliError, Exit
from tui.cli.session import Cli, verb


@click.command()
@click.option("--server", help="API URL, e.g. https://englog.example.com (saved).")
@click.option("--email", required=True)
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of stdin (for scripts).")
@verb
def login(cli: Cli, server: str | None, email: str, password_stdin: bool) -> None:
    """Log in and keep the session for the shell verbs and the terminal UI."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, err=True)
    if not password:
        raise CliError(Exit.USAGE, "usage", "The password is empty.")
    url = (server or cli.settings.server_url).strip().rstrip("/")
    if not url:
        raise CliError(Exit.USAGE, "usage", "Which server? Pass --server URL.")

    async def go(api: ApiClient) -> dict:
        try:
            return await api.login(email, password)
        except ApiError as exc:
            if exc.status == 401:
                raise CliError(Exit.NOT_LOGGED_IN, "bad_credentials", exc.message) from exc
            raise

    body = cli.call(go, server_url=url, logged_in=False)
    if url != cli.settings.server_url:
        # The full settings (pydantic), so the UI's other settings are written back as read.
        from tui.config import load_settings, save_settings

        settings = load_settings(cli.paths)
        settings.server_url = url
        save_settings(cli.paths, settings)
    user = body.get("user") or {}
    cli.emit({"server": url, "user": user},
             f"Logged in as {user.get('email', email)} on {url}.")


@click.command()
@verb
def logout(cli: Cli) -> None:
    """End the session and remove the tokens from this machine."""
    if not cli.tokens.present:
        cli.emit({"logged_out": True}, "Not logged in.")
        return
    # Forgets the local tokens even when the server cannot be reached.
    cli.call(lambda api: api.logout())
    cli.emit({"logged_out": True}, "Logged out.")
