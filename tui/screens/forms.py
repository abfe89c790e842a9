"""Modal forms: errors beside fields, ctrl+s to save, and a draft kept on every keystroke."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static, Switch

from tui.actions import bindings_for
from tui.api.client import ApiError, SessionExpired, Unreachable
from tui.keymap import key_of
from tui.widgets.form import show_errors

if TYPE_CHECKING:
    from tui.app import EngLogApp


class FormModal(ModalScreen[Any]):
    BINDINGS = bindings_for("form")
    TITLE_TEXT = ""
    DRAFT: str | None = None  # draft name; None disables drafts
    FIRST_FIELD = "Input"  # gets the keyboard the moment the form opens
    SAVE_LABEL = "Save"
    # The key named on the save button: ctrl+s, or enter for one-line forms.
    SAVE_KEY = "form.save"

    DEFAULT_CSS = """
    FormModal { align: center middle; }
    FormModal > #form-box { width: 86; max-width: 100%; max-height: 95%; height: auto;
                            border: thick $primary; background: $surface; padding: 0 1; }
    FormModal #form-title { text-style: bold; padding: 0 0 1 0; }
    FormModal #form-general { color: $error; height: auto; }
    FormModal #form-general.-empty { display: none; }
    FormModal #form-buttons { height: auto; align-horizontal: right; padding-top: 1; }
    FormModal Horizontal.row { height: auto; }
    FormModal Horizontal.row > Field { width: 1fr; margin-right: 1; }
    FormModal .hint { color: $text-muted; height: auto; }
    """

    @property
    def englog(self) -> EngLogApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="form-box"):
            yield Label(self.TITLE_TEXT, id="form-title")
            yield from self.compose_fields()
            yield Static("", id="form-general", classes="-empty")
            with Horizontal(id="form-buttons"):
                yield Button(f"Close ({key_of(self.app, 'form.cancel')})", id="cancel")
                save_key = "enter" if self.SAVE_KEY == "enter" else key_of(self.app,
                                                                            self.SAVE_KEY)
                yield Button(f"{self.SAVE_LABEL} ({save_key})", id="save", variant="primary")

    def compose_fields(self) -> ComposeResult:
        yield from ()

    def focus_first(self) -> None:
        """Focus the first field now (Screen.set_focus is immediate; widget.focus() would
        wait for a later refresh while typed keys go elsewhere)."""
        if self.focused is None or self.focused.id != self.FIRST_FIELD.lstrip("#"):
            for widget in self.query(self.FIRST_FIELD):
                self.set_focus(widget)
                break

    def on_mount(self) -> None:
        self.focus_first()
        self._restoring = False
        if self.DRAFT and (draft := self.englog.drafts.load(self.DRAFT)):
            self._restoring = True
            self.restore(draft)
            self.call_after_refresh(self._restored)
            self.notify("Restored what you typed last time.", timeout=4)

    def _restored(self) -> None:
        self._restoring = False

    # -- values ------------------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for w in self.query("Input, Select, Switch"):
            if not w.id:
                continue
            if isinstance(w, Select):
                out[w.id] = None if w.value is Select.NULL else w.value
            elif isinstance(w, Input | Switch):
                out[w.id] = w.value
        return out

    def restore(self, data: dict[str, Any]) -> None:
        for key, value in data.items():
            try:
                w = self.query_one(f"#{key}")
            except Exception:
                continue
            if isinstance(w, Select):
                if value is not None:
                    try:
                        w.value = value
                    except Exception:  # the option (e.g. a project) no longer exists
                        pass
            elif isinstance(w, Input) and isinstance(value, str):
                w.value = value
            elif isinstance(w, Switch) and isinstance(value, bool):
                w.value = value

    @on(Input.Changed)
    @on(Select.Changed)
    @on(Switch.Changed)
    def _keep_draft(self) -> None:
        if self.DRAFT and not getattr(self, "_restoring", True) and self.is_mounted:
            self.englog.drafts.save(self.DRAFT, self.values())
        self.changed()

    def changed(self) -> None:
        """Hook for live previews."""

    # -- errors ------------------------------------------------------------------------------
    def show_errors(self, errors: dict[str, str]) -> None:
        general = self.query_one("#form-general", Static)
        show_errors(self, errors, general)

    def fail(self, exc: Exception) -> None:
        if isinstance(exc, ApiError) and exc.errors:
            self.show_errors(exc.field_errors())
            if not exc.field_errors():
                self.show_errors({"": exc.message})
        else:
            self.show_errors({"": self.englog.explain(exc)})
        if isinstance(exc, SessionExpired):
            self.dismiss(None)

    # -- actions -----------------------------------------------------------------------------
    @on(Button.Pressed, "#save")
    async def _save_pressed(self) -> None:
        await self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    @on(Input.Submitted)
    async def _submitted(self) -> None:
        await self.action_save()

    async def action_save(self) -> None:
        try:
            result = await self.submit()
        except (ApiError, Unreachable, SessionExpired) as exc:
            self.fail(exc)
            return
        except ValueError as exc:  # client-side checks raise ValueError({field: msg})
            errors = exc.args[0] if exc.args and isinstance(exc.args[0], dict) else {"": str(exc)}
            self.show_errors(errors)
            return
        if result is not False:
            if self.DRAFT:
                self.englog.drafts.clear(self.DRAFT)
            self.dismiss(result)

    def action_cancel(self) -> None:
        # The draft survives a close: what was typed is only forgotten once it is saved.
        self.dismiss(None)

    async def submit(self) -> Any:
        raise NotImplementedError


def select_value(screen: ModalScreen, id_: str) -> Any:
    v = screen.query_one(f"#{id_}", Select).value
    return None if v is Select.NULL else v


def split_tags(text: str) -> list[str]:
    return [t.strip().lstrip("#").lower() for t in text.replace(",", " ").split() if t.strip()]
