"""The actions registry: every user action, its binding id, default key, and where it applies.

Bindings, the command palette, the help screen and keymap overrides are all derived from this
one list (harlequin-style keymaps as data), so an action cannot exist without an id and a key.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    Action("nav.dashboard", "1", "goto('dashboard')", "Dashboard", "Navigate"),
    Action("nav.entries", "2", "goto('entries')", "Entries", "Navigate"),
    Action("nav.projects", "3", "goto('projects')", "Projects", "Navigate"),
    Action("nav.analytics", "4", "goto('analytics')", "Analytics", "Navigate"),
    Action("nav.reports", "5", "goto('reports')", "Reports", "Navigate"),
    Action("nav.settings", "6", "goto('settings')", "Settings", "Navigate"),
    Action("nav.help", "question_mark,f1", "show_help", "Help", "Navigate"),
    Action("app.refresh", "r", "reload", "Refresh", "General", show=False),
    Action("app.sync", "o", "sync_outbox", "Send queued entries", "General", show=False),
    Action("app.logout", "ctrl+l", "logout", "Log out", "General", show=False),
    Action("app.quit", "ctrl+q", "quit", "Quit", "General", show=False, priority=True),
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
    Action("projects.new", "n", "new", "New project", "Projects", scope="projects"),
    Action("projects.edit", "e", "edit", "Edit project", "Projects", scope="projects"),
    Action("projects.archive", "z", "archive", "Archive project", "Projects", scope="projects"),
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
)

BY_ID = {a.id: a for a in ACTIONS}


def bindings_for(scope: str) -> list[Binding]:
    return [
        Binding(a.key, a.action, a.description, show=a.show, id=a.id, priority=a.priority)
        for a in ACTIONS if a.scope == scope
    ]


def effective_key(action: Action, keymap: dict[str, str]) -> str:
    return keymap.get(action.id, action.key)


def groups() -> dict[str, list[Action]]:
    out: dict[str, list[Action]] = {}
    for a in ACTIONS:
        out.setdefault(a.group, []).append(a)
    return out
