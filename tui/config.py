"""Where the UI keeps its files, and the user's settings (config.toml or config.json).

Settings come from pydantic-settings: environment (ENGLOG_TUI_*) overrides the config file.
"""

from __future__ import annotations

import json
import tomllib

from pydantic import Field
from pydantic_settings import (
    BaseSettings,
    JsonConfigSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from tui.paths import Paths

__all__ = ["Paths", "Settings", "load_settings", "save_settings"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ENGLOG_TUI_", extra="ignore")

    server_url: str = ""
    theme: str = "textual-dark"
    # Binding id -> key(s), e.g. {"timer.start" = "ctrl+g"}; applied with App.set_keymap.
    keymap: dict[str, str] = Field(default_factory=dict)
    outbox_retry_seconds: float = 15.0
    request_timeout: float = 10.0
    # How often the dashboard re-reads the server while it is shown, so a timer started or
    # stopped from the shell (`englog start`) or another machine appears without a key press.
    refresh_seconds: float = Field(30.0, gt=0)


def load_settings(paths: Paths) -> Settings:
    class _FromFiles(Settings):
        @classmethod
        def settings_customise_sources(
            cls,
            settings_cls: type[BaseSettings],
            init_settings: PydanticBaseSettingsSource,
            env_settings: PydanticBaseSettingsSource,
            dotenv_settings: PydanticBaseSettingsSource,
            file_secret_settings: PydanticBaseSettingsSource,
        ) -> tuple[PydanticBaseSettingsSource, ...]:
            return (
                init_settings,
                env_settings,
                TomlConfigSettingsSource(settings_cls, toml_file=paths.config_toml),
                JsonConfigSettingsSource(settings_cls, json_file=paths.config_json),
            )

    return Settings.model_validate(_FromFiles().model_dump())


def _toml_str(value: str) -> str:
    # A JSON string is a valid TOML basic string for everything we write.
    return json.dumps(value)


def save_settings(paths: Paths, settings: Settings) -> None:
    """Write config.toml (only TOML is written; a hand-made config.json is still read)."""
    paths.ensure()
    lines = [
        f"server_url = {_toml_str(settings.server_url)}",
        f"theme = {_toml_str(settings.theme)}",
        f"outbox_retry_seconds = {settings.outbox_retry_seconds}",
        f"request_timeout = {settings.request_timeout}",
        f"refresh_seconds = {settings.refresh_seconds}",
        "",
        "[keymap]",
        *(f"{_toml_str(k)} = {_toml_str(v)}" for k, v in sorted(settings.keymap.items())),
    ]
    paths.config_toml.write_text("\n".join(lines) + "\n")


def stored_server_url(paths: Paths) -> str:
    """The server URL written in config.toml ("" if none), whatever the environment says."""
    try:
        value = tomllib.loads(paths.config_toml.read_text()).get("server_url", "")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return ""
    return value if isinstance(value, str) else ""
