"""Help: every key binding (with keymap overrides applied), grouped, and the quick-add syntax."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.actions import bindings_for, effective_key, groups
from tui.keymap import display_key, key_of
from tui.quickadd import SYNTAX_HELP


class HelpScreen(ModalScreen[None]):
    SCOPE = "help"
    BINDINGS = bindings_for("help")
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 104; max-width: 100%; height: 90%; border: thick $primary;
                                  background: $surface; padding: 0 1; }
    """

    def compose(self) -> ComposeResult:
        keymap = self.app._keymap_overrides  # type: ignore[attr-defined]
        with VerticalScroll():
            yield Static(Text(f"EngLog keys — {key_of(self.app, 'help.close')} closes. Remap "
                              "any of them in config.toml under [keymap], by id.",
                              style="bold"))
            for group, actions in groups().items():
                table = Table(title=group, title_justify="left", expand=True, show_edge=False,
                              title_style="bold")
                table.add_column("Key", width=16)
                table.add_column("Action")
                # A Text header: as a str, "[keymap]" would be read as markup and vanish.
                table.add_column(Text("Id (for [keymap])"), style="dim")
                for a in actions:
                    where = "" if a.scope == "app" else f"  ({a.scope})"
                    table.add_row(display_key(effective_key(a, keymap)), a.description + where,
                                  a.id)
                yield Static(table)
            yield Static(Text(f"\nQuick add ({key_of(self.app, 'entry.quick_add')})",
                              style="bold"))
            yield Static(Text(SYNTAX_HELP))

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)
