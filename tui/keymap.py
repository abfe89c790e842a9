"""Keymap overrides from the config file: `[keymap]` maps binding ids to keys."""

from __future__ import annotations

from typing import Any

from tui.actions import BY_ID, effective_key


def validate(overrides: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """Split overrides into (known, warnings); an unknown id is reported, not fatal."""
    known: dict[str, str] = {}
    warnings: list[str] = []
    for binding_id, keys in overrides.items():
        if binding_id not in BY_ID:
            warnings.append(f"keymap: unknown binding id {binding_id!r}")
        elif not keys.strip():
            warnings.append(f"keymap: empty key for {binding_id!r}")
        else:
            known[binding_id] = keys.strip()
    return known, warnings


NAMES = {"question_mark": "?", "slash": "/", "delete": "del", "escape": "esc", "enter": "enter",
         "space": "space"}


def display_key(keys: str) -> str:
    return ", ".join(NAMES.get(k, k) for k in keys.split(","))


def key_of(app: Any, action_id: str) -> str:
    """The key shown for `action_id` in hints and labels, with the user's remaps applied
    (the first key when an action has several), so no hint names a key that does nothing."""
    overrides = getattr(app, "_keymap_overrides", None) or {}
    first = effective_key(BY_ID[action_id], overrides).split(",")[0].strip()
    return NAMES.get(first, first)
