"""`englog`: start the terminal UI."""

from __future__ import annotations

import argparse

from tui.config import Paths


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="englog", description="EngLog terminal UI")
    parser.add_argument("--server", help="API URL (saved to the config file)")
    parser.add_argument("--config-dir", help="instead of $XDG_CONFIG_HOME/englog")
    args = parser.parse_args(argv)
    from pathlib import Path

    from tui.app import EngLogApp

    paths = Paths(Path(args.config_dir)) if args.config_dir else Paths.default()
    app = EngLogApp(paths=paths)
    if args.server:
        app.set_server(args.server)
    app.run()


if __name__ == "__main__":
    main()
