"""The two settings a shell verb needs (server_url, request_timeout), read with the same
sources and precedence as tui.config.load_settings: environment (ENGLOG_TUI_*, any case),
then config.toml, then config.json, then the defaults.

Why not load_settings: importing pydantic-settings costs about as much as the rest of
`englog status` together, and the verb runs in shell prompts (bench/bench_tui.py measures
it). For the same reason this module takes plain file names and avoids dataclasses and
pathlib: `englog status` reads it before click is imported (tui/cli/status_fast.py).
tests/cli/test_config_lite.py checks both readers agree.
"""

from __future__ import annotations

import json
import os
import tomllib
from typing import TYPE_CHECKING, Any, NamedTuple

from tui.cli.exits import CliError, Exit

if TYPE_CHECKING:
    from tui.paths import Paths

PREFIX = "ENGLOG_TUI_"
DEFAULTS: dict[str, Any] = {"server_url": "", "request_timeout": 10.0}


class VerbSettings(NamedTuple):
    server_url: str
    request_timeout: float


def _file(
    toml_path: str | os.PathLike[str], json_path: str | os.PathLike[str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    toml: dict[str, Any] = {}
    js: dict[str, Any] = {}
    try:
        with open(toml_path) as f:  # what Path.read_text() did: the locale's encoding
            toml = tomllib.loads(f.read())
    except FileNotFoundError:
        pass
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
        raise CliError(Exit.USAGE, "bad_config", f"{toml_path}: {exc}") from exc
    try:
        with open(json_path) as f:
            loaded = json.loads(f.read())
        js = loaded if isinstance(loaded, dict) else {}
    except FileNotFoundError:
        pass
    except (ValueError, OSError) as exc:
        raise CliError(Exit.USAGE, "bad_config", f"{json_path}: {exc}") from exc
    return toml, js


def read(paths: Paths) -> VerbSettings:
    return read_files(paths.config_toml, paths.config_json)


def read_files(
    toml_path: str | os.PathLike[str], json_path: str | os.PathLike[str]
) -> VerbSettings:
    env = {k.upper(): v for k, v in os.environ.items() if k.upper().startswith(PREFIX)}
    toml, js = _file(toml_path, json_path)
    values: dict[str, Any] = {}
    for name, default in DEFAULTS.items():
        for source in (env, toml, js):
            key = PREFIX + name.upper() if source is env else name
            if key in source:
                values[name] = source[key]
                break
        else:
            values[name] = default
    try:
        timeout = float(values["request_timeout"])
    except (TypeError, ValueError) as exc:
        raise CliError(
            Exit.USAGE,
            "bad_config",
            f"request_timeout must be a number, not {values['request_timeout']!r}",
        ) from exc
    return VerbSettings(str(values["server_url"]), timeout)
