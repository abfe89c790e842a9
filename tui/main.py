"""`englog`: the terminal UI, or a shell verb (`englog status`, `englog add …`).

The verbs live in tui.cli; Textual is imported only when the UI starts, so a verb answers
quickly enough for a shell prompt.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> None:
    # httpx imports its own command-line client (rich, pygments, click's help) whenever
    # those are installed, which Textual makes sure of; blocking that import is httpx's
    # documented fallback (its CLI is then unavailable, and we never use it). It roughly
    # halves the start-up of `englog status`.
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
    from tui.cli.root import main as run

    run(argv)


if __name__ == "__main__":
    main()
