"""Where englog keeps its files: $XDG_CONFIG_HOME/englog (config, tokens, drafts, outbox).

Apart from tui.config so the shell verbs can find the files without importing pydantic.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Paths:
    root: Path

    @classmethod
    def default(cls) -> Paths:
        base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
        return cls(Path(base) / "englog")

    @property
    def config_toml(self) -> Path:
        return self.root / "config.toml"

    @property
    def config_json(self) -> Path:
        return self.root / "config.json"

    @property
    def tokens(self) -> Path:
        return self.root / "tokens.json"

    @property
    def drafts(self) -> Path:
        return self.root / "drafts.json"

    @property
    def outbox(self) -> Path:
        return self.root / "outbox.json"

    @property
    def view_cache(self) -> Path:
        return self.root / "view-cache.json"

    def ensure(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
