"""`englog`: the shell verbs, or the terminal UI when no verb is given."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tui.cli import auth, entries, reports, timer
from tui.cli.exits import Exit
from tui.paths import Paths

EPILOG = """\b
Exit codes: 0 ok · 1 usage · 2 not logged in · 3 server unreachable · 4 input rejected
            5 conflict (no timer running / one already running) · 6 report failed
            7 timed out waiting
"""


@click.group(invoke_without_command=True, epilog=EPILOG,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--server", help="API URL for the terminal UI (saved to the config file).")
@click.option("--config-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Instead of $XDG_CONFIG_HOME/englog.")
@click.pass_context
def cli(ctx: click.Context, server: str | None, config_dir: Path | None) -> None:
    """EngLog: log your work from the shell, or run `englog` alone for the terminal UI."""
    paths = Paths(config_dir) if config_dir else Paths.default()
    ctx.obj = {"paths": paths}
    if ctx.invoked_subcommand is None:
        # Textual is imported only here, so the verbs stay fast.
        from tui.app import EngLogApp

        app = EngLogApp(paths=paths)
        if server:
            app.set_server(server)
        app.run()


for command in (auth.login, auth.logout, timer.start, timer.stop, timer.cancel, timer.status,
                entries.add, entries.log, reports.report):
    cli.add_command(command)


def main(argv: list[str] | None = None) -> None:
    """Run click without its own exit handling, so usage errors exit 1 (click's default is
    2, which here means "not logged in")."""
    try:
        code = cli.main(args=argv, prog_name="englog", standalone_mode=False)
    except click.ClickException as exc:  # usage errors, bad option values, unreadable files
        exc.show()
        sys.exit(int(Exit.USAGE))
    except click.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(int(Exit.USAGE))
    sys.exit(int(code) if isinstance(code, int) else 0)
