"""Form rows whose error message sits right under the field it belongs to."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Label, Static


class Field(Vertical):
    """A labelled input with an error line. `name` is the API field it maps to."""

    DEFAULT_CSS = """
    Field { height: auto; margin: 0 0 0 0; }
    Field > .field-label { color: $text-muted; }
    Field > .field-error { color: $error; height: auto; }
    Field > .field-error.-empty { display: none; }
    """

    def __init__(self, label: str, control: Widget, name: str, **kw):
        super().__init__(id=f"field-{name}", **kw)
        self.label = label
        self.control = control
        self.field_name = name

    def compose(self) -> ComposeResult:
        yield Label(self.label, classes="field-label")
        yield self.control
        yield Static("", classes="field-error -empty", id=f"err-{self.field_name}")

    def set_error(self, message: str | None) -> None:
        err = self.query_one(".field-error", Static)
        err.update(f"✗ {message}" if message else "")
        err.set_class(not message, "-empty")
        self.set_class(bool(message), "-invalid")


def show_errors(root: Widget, errors: dict[str, str], general: Static | None = None,
                aliases: dict[str, str] | None = None) -> None:
    """Put each error next to its field; errors without a field go to `general`."""
    aliases = aliases or {}
    fields = {f.field_name: f for f in root.query(Field)}
    leftovers: list[str] = []
    for f in fields.values():
        f.set_error(None)
    for name, message in errors.items():
        target = fields.get(aliases.get(name, name))
        if target is not None:
            target.set_error(message)
        else:
            leftovers.append(f"{name}: {message}" if name else message)
    if general is not None:
        general.update("\n".join(leftovers))
        general.set_class(not leftovers, "-empty")
