"""Tag name rules, shared by entry writes (tags by name) and the tags endpoints."""

from __future__ import annotations

import re

TAG_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,49}$")
MAX_TAGS_PER_ENTRY = 20


def normalize_tag(name: str) -> str:
    """'  Bug Fix ' -> 'bug-fix'. Raises ValueError with a user-facing message."""
    if not isinstance(name, str):
        raise ValueError("tag names must be strings")
    norm = re.sub(r"\s+", "-", name.strip().lower()).lstrip("#")
    if not TAG_RE.match(norm):
        raise ValueError(
            f"'{name}' is not a valid tag: use 1-50 lowercase letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    return norm


def normalize_tags(names: list[str]) -> list[str]:
    """Normalise, de-duplicate (keeping order) and cap the list."""
    out: list[str] = []
    for n in names:
        t = normalize_tag(n)
        if t not in out:
            out.append(t)
    if len(out) > MAX_TAGS_PER_ENTRY:
        raise ValueError(f"at most {MAX_TAGS_PER_ENTRY} tags per entry")
    return out
