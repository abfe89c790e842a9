"""`englog`: the shell verbs, or the terminal UI when no verb is given."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import click

from tui.cli.exits import Exit
from tui.paths import Paths

EPILOG = """\b
Exit codes: 0 ok · 1 usage · 2 not logged in · 3 server unreachable · 4 input rejected
            5 conflict (no timer running / one already running) · 6 report failed
            7 timed out waiting
"""


# verb -> "module:attribute". Each verb's module is imported only when that verb runs (or
# --help lists them all): importing every verb eagerly pulled httpx and asyncio into
# `englog status`, which answers from a shell prompt (bench/bench_tui.py --status-only).
VERBS = {
    "login": "tui.cli.auth:login",
    "logout": "tui.cli.auth:logout",
    "start": "tui.cli.timer:start",
    "stop": "tui.cli.timer:stop",
    "cancel": "tui.cli.timer:cancel",
    "status": "tui.cli.status:status",
    "add": "tui.cli.entries:add",
    "log": "tui.cli.entries:log",
    "report": "tui.cli.reports:report",
}


class LazyGroup(click.Group):
    """click's documented lazy-loading group: names are known up front, commands resolved
    on demand."""

    def __init__(self, *args: object, lazy_commands: dict[str, str], **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.lazy_commands = lazy_commands

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.lazy_commands:
            return super().get_command(ctx, cmd_name)
        module, attribute = self.lazy_commands[cmd_name].split(":")
        command = getattr(importlib.import_module(module), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{self.lazy_commands[cmd_name]} is not a click command")
        return command


@click.group(cls=LazyGroup, lazy_commands=VERBS, invoke_without_command=True, epilog=EPILOG,
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
