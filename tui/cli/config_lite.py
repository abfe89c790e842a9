"""The two settings a shell verb needs (server_url, request_timeout), read with the same
sources and precedence as tui.config.load_settings: environment (ENGLOG_TUI_*, any case),
then config.toml, then config.json, then the defaults.

Why not load_settings: importing pydantic-settings costs about as much as the rest of
`englog status` together, and the verb runs in shell prompts (bench/bench_tui.py measures
it). tests/cli/test_config_lite.py checks both readers agree.
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass
from typing import Any

from tui.cli.exits import CliError, Exit
from tui.paths import Paths

PREFIX = "ENGLOG_TUI_"
DEFAULTS: dict[str, Any] = {"server_url": "", "request_timeout": 10.0}


@dataclass(frozen=True)
class VerbSettings:
    server_url: str
    request_timeout: float


def _file(paths: Paths) -> tuple[dict[str, Any], dict[str, Any]]:
    toml: dict[str, Any] = {}
    js: dict[str, Any] = {}
    try:
        toml = tomllib.loads(paths.config_toml.read_text())
    except FileNotFoundError:
        pass
    except (tomllib.TOMLDecodeError, OSError) as exc:
        raise CliError(Exit.USAGE, "bad_config", f"{paths.config_toml}: {exc}") from exc
    try:
        loaded = json.loads(paths.config_json.read_text())
        js = loaded if isinstance(loaded, dict) else {}
    except FileNotFoundError:
        pass
    except (ValueError, OSError) as exc:
        raise CliError(Exit.USAGE, "bad_config", f"{paths.config_json}: {exc}") from exc
    return toml, js


def read(paths: Paths) -> VerbSettings:
    env = {k.upper(): v for k, v in os.environ.items() if k.upper().startswith(PREFIX)}
    toml, js = _file(paths)
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
        raise CliError(Exit.USAGE, "bad_config",
                       f"request_timeout must be a number, not {values['request_timeout']!r}"
                       ) from exc
    return VerbSettings(str(values["server_url"]), timeout)
