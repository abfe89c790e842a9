"""Run `englog` as a subprocess, as a shell would, against the real API of tests/conftest.py.

Each test gets its own config dir (XDG_CONFIG_HOME), so the verbs read and write the same
files the terminal UI would: config.toml, tokens.json, outbox.json.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

ENGLOG = Path(sys.executable).with_name("englog")  # the console script from pyproject


@dataclass
class Shell:
    """A user's shell: a config dir, and (once logged in) their email and password."""

    home: Path
    api_url: str
    email: str = ""
    password: str = ""
    user_id: str = ""
    env: dict[str, str] = field(default_factory=dict)

    @property
    def config(self) -> Path:
        return self.home / "englog"

    def run(self, *args: str, stdin: str | None = None, timeout: float = 60
            ) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "XDG_CONFIG_HOME": str(self.home), **self.env}
        env.pop("ENGLOG_TUI_SERVER_URL", None)
        return subprocess.run([str(ENGLOG), *args], input=stdin, capture_output=True,
                              text=True, env=env, timeout=timeout)

    def json(self, *args: str, stdin: str | None = None, code: int = 0) -> Any:
        """Run with --json; assert the exit code and return the parsed stdout."""
        r = self.run(*args, "--json", stdin=stdin)
        assert r.returncode == code, (r.returncode, r.stdout, r.stderr)
        return json.loads(r.stdout)

    # -- the API, to set things up and check what was stored --------------------------------
    def http(self) -> httpx.Client:
        tokens = json.loads((self.config / "tokens.json").read_text())
        return httpx.Client(base_url=self.api_url, timeout=30,
                            headers={"Authorization": f"Bearer {tokens['access_token']}"})

    def entries(self, **params: Any) -> list[dict[str, Any]]:
        with self.http() as c:
            r = c.get("/v1/logs", params={"limit": 200, **params})
        assert r.status_code == 200, r.text
        return r.json()["items"]


def register(api_url: str, timezone: str = "UTC") -> tuple[str, str, str]:
    email = f"cli-{uuid.uuid4().hex[:10]}@example.com"
    password = "shell verbs are handy " + uuid.uuid4().hex[:6]
    with httpx.Client(base_url=api_url, timeout=30) as c:
        r = c.post("/v1/auth/register", json={"email": email, "password": password,
                                              "first_name": "Grace", "last_name": "Hopper",
                                              "timezone": timezone})
        assert r.status_code == 202, r.text
        r = c.post("/v1/auth/login", json={"email": email, "password": password})
        assert r.status_code == 200, r.text
    return email, password, r.json()["user"]["id"]


def new_shell(tmp_path: Path, api_url: str, name: str = "home") -> Shell:
    home = tmp_path / name
    home.mkdir()
    return Shell(home, api_url)


def log_in(shell: Shell, timezone: str = "UTC") -> Shell:
    shell.email, shell.password, shell.user_id = register(shell.api_url, timezone)
    r = shell.run("login", "--server", shell.api_url, "--email", shell.email,
                  "--password-stdin", stdin=shell.password + "\n")
    assert r.returncode == 0, (r.stdout, r.stderr)
    return shell


@pytest.fixture
def shell(tmp_path: Path, api_url: str) -> Shell:
    """A logged-in user's shell."""
    return log_in(new_shell(tmp_path, api_url))
