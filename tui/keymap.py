"""Keymap overrides from the config file: `[keymap]` maps binding ids to keys."""

from __future__ import annotations

from tui.actions import BY_ID


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


def display_key(keys: str) -> str:
    names = {"question_mark": "?", "slash": "/", "delete": "del", "escape": "esc"}
    return ", ".join(names.get(k, k) for k in keys.split(","))
