"""Small JSON files next to the config: tokens (0600), drafts of open forms, and the outbox."""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any


def write_private(path: Path, data: Any) -> None:
    """Atomically replace `path` with JSON readable only by its owner.

    The temp file is created 0600 before any secret is written, so a crash never leaves a
    world-readable token file behind.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    import tempfile  # here: `englog status` only reads, and tempfile pulls in shutil

    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(data, f, indent=1, default=str)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_json(path: Path, default: Any) -> Any:
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        return default
    except (json.JSONDecodeError, OSError):
        # A corrupt file must not stop the app; keep it aside for the user to inspect.
        path.replace(path.with_suffix(path.suffix + ".corrupt"))
        return default


class TokenStore:
    """The session, shared by the terminal UI and the shell verbs (several processes)."""

    def __init__(self, path: Path):
        self.path = path
        self.reload()

    def reload(self) -> None:
        """Read the file again: another englog process may have refreshed the tokens."""
        data = read_json(self.path, {})
        self.access_token: str | None = data.get("access_token")
        self.refresh_token: str | None = data.get("refresh_token")
        self.user: dict[str, Any] | None = data.get("user")

    @asynccontextmanager
    async def exclusive(self) -> AsyncIterator[None]:
        """Hold the token file's lock (across processes). Refresh tokens rotate, and the
        server revokes a session whose old refresh token comes back, so two processes must
        never refresh with the same one: each refreshes under this lock, after reload()."""
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.path.with_name(self.path.name + ".lock"), os.O_RDWR | os.O_CREAT,
                     0o600)
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    # Imported here: `englog status` reads this store without an event loop.
                    import asyncio

                    await asyncio.sleep(0.05)  # never block the UI's event loop
            yield
        finally:
            os.close(fd)  # closing releases the lock

    @property
    def present(self) -> bool:
        return bool(self.refresh_token)

    def save(self, access: str, refresh: str, user: dict[str, Any] | None = None) -> None:
        self.access_token, self.refresh_token = access, refresh
        if user is not None:
            self.user = user
        write_private(self.path, {"access_token": access, "refresh_token": refresh,
                                  "user": self.user})

    def set_user(self, user: dict[str, Any]) -> None:
        self.user = user
        if self.access_token and self.refresh_token:
            self.save(self.access_token, self.refresh_token)

    def clear(self) -> None:
        self.access_token = self.refresh_token = None
        self.user = None
        self.path.unlink(missing_ok=True)


class DraftStore:
    """What the user typed into an open form, saved on every change, cleared on save."""

    def __init__(self, path: Path):
        self.path = path

    def _all(self) -> dict[str, Any]:
        return read_json(self.path, {})

    def load(self, name: str) -> dict[str, Any] | None:
        return self._all().get(name)

    def save(self, name: str, data: dict[str, Any]) -> None:
        drafts = self._all()
        drafts[name] = data
        write_private(self.path, drafts)

    def clear(self, name: str) -> None:
        drafts = self._all()
        if drafts.pop(name, None) is not None:
            write_private(self.path, drafts)


class ViewCache:
    """The last answer each screen showed (entries page, projects), so a TUI started or left
    without a server still shows what it last knew instead of an empty screen."""

    def __init__(self, path: Path):
        self.path = path

    def get(self, name: str) -> Any:
        return read_json(self.path, {}).get(name)

    def put(self, name: str, value: Any) -> None:
        data = read_json(self.path, {})
        data[name] = value
        write_private(self.path, data)
