"""`englog`: the terminal UI, or a shell verb (`englog status`, `englog add …`).

The verbs live in tui.cli; Textual is imported only when the UI starts, so a verb answers
quickly enough for a shell prompt. `englog status` goes further: it is answered before click
is imported (tui/cli/status_fast.py), and only falls through to the click verb when that
fast path cannot answer for sure.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["status"]:
        # click costs about a third of the status line's start-up (it sits in shell prompts
        # and tmux bars); the fast path prints nothing when it returns None.
        from tui.cli.status_fast import answer

        code = answer(list(args))
        if code is not None:
            sys.exit(code)
    # httpx imports its own command-line client (rich, pygments, click's help) whenever
    # those are installed, which Textual makes sure of; blocking that import is httpx's
    # documented fallback (its CLI is then unavailable, and we never use it). It roughly
    # halves the start-up of `englog status`.
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
    from tui.cli.root import main as run

    run(argv)


if __name__ == "__main__":
    main()
