"""Where exported files go, and what they are called."""

from __future__ import annotations

import os
import re
from email.message import Message
from pathlib import Path

_SAFE = re.compile(r"[^A-Za-z0-9._() -]")


def default_folder() -> Path:
    """$XDG_DOCUMENTS_DIR when the desktop names one, else ~/Downloads."""
    docs = os.environ.get("XDG_DOCUMENTS_DIR", "").strip()
    return Path(docs).expanduser() if docs else Path.home() / "Downloads"


def filename_from(content_disposition: str | None, fallback: str) -> str:
    """The server's suggested name, reduced to a plain file name (never a path)."""
    if content_disposition:
        msg = Message()
        msg["content-disposition"] = content_disposition
        name = msg.get_filename()
        if name:
            name = _SAFE.sub("_", Path(name).name).strip(". ")
            if name:
                return name
    return fallback


def free_path(folder: Path, name: str) -> Path:
    """`folder/name`, or `name (1)`, `name (2)`… if a file of that name is already there."""
    target = folder / name
    stem, suffix = target.stem, target.suffix
    n = 1
    while target.exists():
        target = folder / f"{stem} ({n}){suffix}"
        n += 1
    return target


def human_size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KiB"
    return f"{n / 1024 / 1024:.1f} MiB"
