"""The actions registry: every user action, its binding id, default key, and where it applies.

Bindings, the command palette, the help screen and keymap overrides are all derived from this
one list (harlequin-style keymaps as data), so an action cannot exist without an id and a key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from textual.binding import Binding


@dataclass(frozen=True)
class Action:
    id: str
    key: str
    action: str
    description: str
    group: str
    scope: str = "app"  # "app" or the SCOPE of a screen
    show: bool = True
    priority: bool = False


ACTIONS: tuple[Action, ...] = (
    Action("nav.dashboard", "1", "goto('dashboard')", "Dashboard", "Navigate",
           show=False),
    Action("nav.entries", "2", "goto('entries')", "Entries", "Navigate",
           show=False),
    Action("nav.projects", "3", "goto('projects')", "Projects", "Navigate",
           show=False),
    Action("nav.analytics", "4", "goto('analytics')", "Analytics", "Navigate",
           show=False),
    Action("nav.reports", "5", "goto('reports')", "Reports", "Navigate",
           show=False),
    Action("nav.settings", "6", "goto('settings')", "Settings", "Navigate",
           show=False),
    Action("nav.help", "question_mark,f1", "show_help", "Help", "Navigate"),
    Action("app.refresh", "r", "reload", "Refresh", "General", show=False),
    Action("app.sync", "o", "sync_outbox", "Send queued entries", "General", show=False),
    Action("app.logout", "ctrl+l", "logout", "Log out", "General", show=False),
    Action("app.quit", "ctrl+q", "quit", "Quit", "General", show=False, priority=True),
    # Priority like every single key here: a tab typed in a burst moves to the next field
    # before the keys after it are read (issue 12 bug 2: "shortDanaDev" in one field).
    Action("app.focus_next", "tab", "focus_next", "Next field", "General", show=False),
    Action("app.focus_previous", "shift+tab", "focus_previous", "Previous field", "General",
           show=False),
    Action("timer.start", "s", "timer_start", "Start timer", "Timer"),
    Action("timer.stop", "x", "timer_stop", "Stop timer", "Timer"),
    Action("timer.cancel", "ctrl+k", "timer_cancel", "Cancel timer", "Timer", show=False),
    Action("timer.backfill", "b", "backfill", "Log what I just did", "Timer", show=False),
    Action("timer.restart", "R", "timer_restart", "Restart the last entry as a timer", "Timer",
           show=False),
    Action("timer.switch", "w", "timer_switch", "Switch: log the timer, start the next",
           "Timer", show=False),
    Action("timer.edit", "T", "timer_edit", "Edit the running timer (title, project, start)",
           "Timer", show=False),
    Action("app.undo", "ctrl+z", "undo", "Undo the last delete or edit", "General",
           show=False),
    Action("entry.quick_add", "a", "quick_add", "Quick add", "Entries"),
    Action("entry.new", "n", "new_entry", "New entry", "Entries", show=False),
    Action("entries.edit", "e", "edit", "Edit entry", "Entries", scope="entries"),
    Action("entries.delete", "delete", "delete", "Delete entry", "Entries", scope="entries"),
    Action("entries.search", "slash", "search", "Search", "Entries", scope="entries"),
    Action("entries.filters", "f", "filters", "Filters", "Entries", scope="entries"),
    Action("entries.more", "m", "more", "Load more", "Entries", scope="entries", show=False),
    Action("entries.clear_filters", "c", "clear_filters", "Clear all filters", "Entries",
           scope="entries"),
    Action("projects.new", "n", "new", "New project", "Projects", scope="projects"),
    Action("projects.edit", "e", "edit", "Edit project", "Projects", scope="projects"),
    Action("projects.archive", "z", "archive", "Archive project", "Projects", scope="projects"),
    Action("projects.delete", "delete", "delete", "Delete project", "Projects",
           scope="projects"),
    Action("projects.tags", "t", "toggle_tags", "Projects/Tags", "Projects", scope="projects"),
    Action("reports.generate", "g", "generate", "Generate report", "Reports", scope="reports"),
    Action("reports.list", "l", "focus_list", "Past reports", "Reports", scope="reports"),
    Action("settings.save", "ctrl+s", "save", "Save settings", "Settings", scope="settings"),
    Action("settings.account", "ctrl+o", "account", "Account: export my data, delete",
           "Settings", scope="settings"),
    Action("data.export", "E", "export_data", "Export entries (PDF, CSV, JSON)", "Data"),
    Action("data.import", "I", "import_calendar", "Import a calendar (ICS)", "Data"),
    Action("export.run", "ctrl+s", "run", "Export", "Data", scope="export"),
    Action("export.close", "escape", "close", "Close", "Data", scope="export"),
    Action("import.preview", "ctrl+r", "preview", "Preview the file", "Data", scope="import"),
    Action("import.toggle", "space", "toggle", "Check/uncheck the event", "Data",
           scope="import"),
    Action("import.all", "a", "toggle_all", "Check all / none", "Data", scope="import"),
    Action("import.commit", "ctrl+s", "commit", "Import the checked events", "Data",
           scope="import"),
    Action("import.close", "escape", "close", "Close", "Data", scope="import"),
    Action("account.close", "escape", "close", "Close", "Settings", scope="account"),
    Action("form.save", "ctrl+s", "save", "Save", "Forms", scope="form"),
    Action("form.cancel", "escape", "cancel", "Close", "Forms", scope="form"),
    Action("quick_add.create_project", "ctrl+n", "create_project",
           "Create the unknown @project", "Forms", scope="quick_add"),
    Action("confirm.yes", "y", "answer(True)", "Yes", "Forms", scope="confirm"),
    Action("confirm.no", "n,escape", "answer(False)", "No", "Forms", scope="confirm"),
    Action("screen.leave_field", "escape", "leave_field", "Leave the text field (then keys "
           "like 1-6 work again)", "General", scope="main", show=False),
    Action("login.submit", "ctrl+s", "submit", "Submit", "General", scope="login"),
    Action("login.toggle", "ctrl+r", "toggle", "Log in / Create account", "General",
           scope="login"),
    Action("help.close", "escape,q,question_mark", "dismiss", "Close help", "General",
           scope="help"),
)

# Scopes that are main screens (modes): their actions can be run from anywhere through the
# command palette, which first switches to that screen.
MODE_SCOPES = ("dashboard", "entries", "projects", "analytics", "reports", "settings")

BY_ID = {a.id: a for a in ACTIONS}


def bindings_for(scope: str) -> list[Binding]:
    """Textual bindings for a scope. They are priority bindings (checked before the focused
    widget sees the key, in the order keys arrive) except escape, which an open dropdown
    must get first: a key typed right after `a` then reaches the quick-add field instead of
    racing the modal's focus (issue 12 bug 2). `typing_blocks` keeps them out of text
    fields, where the same keys type."""
    return [
        Binding(a.key, a.action, a.description, show=a.show, id=a.id,
                priority=a.priority or a.key != "escape")
        for a in ACTIONS if a.scope == scope
    ]


# Keys without a modifier that a text field does not type with.
_NOT_TYPING = re.compile(r"^(escape|tab|shift\+tab|up|down|pageup|pagedown|f\d+)$")
BY_NAME: dict[tuple[str, str], list[Action]] = {}
for _a in ACTIONS:
    BY_NAME.setdefault((_a.scope, _a.action.split("(")[0]), []).append(_a)


def is_typing_key(key: str) -> bool:
    key = key.strip()
    return "+" not in key and not _NOT_TYPING.match(key)


def typing_blocks(app: Any, scopes: tuple[str, ...], action_name: str) -> bool:
    """True when a text field or an open list has the keyboard and this action's key is one
    it types with: "1" in a timezone field types a 1, it does not open the dashboard."""
    from textual.widgets import Input, OptionList, TextArea

    if not isinstance(app.focused, Input | TextArea | OptionList):
        return False
    overrides = getattr(app, "_keymap_overrides", {}) or {}
    return any(is_typing_key(k) for scope in scopes
               for a in BY_NAME.get((scope, action_name), ())
               for k in effective_key(a, overrides).split(","))


def effective_key(action: Action, keymap: dict[str, str]) -> str:
    return keymap.get(action.id, action.key)


def groups() -> dict[str, list[Action]]:
    out: dict[str, list[Action]] = {}
    for a in ACTIONS:
        out.setdefault(a.group, []).append(a)
    return out


def nav_targets() -> list[tuple[Action, str]]:
    """The main screens in nav-bar order, each with the action (and so the key) opening it."""
    prefix = "goto('"
    return [(a, a.action[len(prefix):-2]) for a in ACTIONS if a.action.startswith(prefix)]
