"""The shell verbs read server_url and request_timeout without pydantic-settings
(tui/cli/config_lite.py); they must read exactly what the terminal UI reads."""

from __future__ import annotations

import json

import pytest

from tui.cli import config_lite
from tui.cli.exits import CliError, Exit
from tui.config import Paths, Settings, load_settings, save_settings


def both(paths: Paths) -> tuple[tuple[str, float], tuple[str, float]]:
    full = load_settings(paths)
    lite = config_lite.read(paths)
    return (full.server_url, full.request_timeout), (lite.server_url, lite.request_timeout)


@pytest.mark.parametrize("toml,js,env", [
    (None, None, {}),
    ({"server_url": "http://toml:1", "request_timeout": 3.5}, None, {}),
    (None, {"server_url": "http://json:1", "request_timeout": 7}, {}),
    ({"server_url": "http://toml:1"}, {"server_url": "http://json:1", "request_timeout": 2},
     {}),
    ({"server_url": "http://toml:1"}, None,
     {"ENGLOG_TUI_SERVER_URL": "http://env:1", "englog_tui_request_timeout": "4"}),
])
def test_the_lite_reader_agrees_with_the_tui(tmp_path, monkeypatch, toml, js, env):
    for k in [k for k in __import__("os").environ if k.upper().startswith("ENGLOG_TUI_")]:
        monkeypatch.delenv(k)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    paths = Paths(tmp_path / "englog")
    if toml is not None:
        save_settings(paths, Settings(**toml))
    if js is not None:
        paths.ensure()
        paths.config_json.write_text(json.dumps(js))
    full, lite = both(paths)
    assert lite == full


def test_a_broken_config_is_a_usage_error_not_a_traceback(tmp_path):
    paths = Paths(tmp_path / "englog")
    paths.ensure()
    paths.config_toml.write_text('server_url = "unterminated\n')
    with pytest.raises(CliError) as err:
        config_lite.read(paths)
    assert err.value.code == Exit.USAGE and "config.toml" in err.value.message
    paths.config_toml.write_text('request_timeout = "soon"\n')
    with pytest.raises(CliError) as err:
        config_lite.read(paths)
    assert "request_timeout" in err.value.message
