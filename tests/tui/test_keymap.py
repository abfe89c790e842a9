"""Keymap overrides in config.toml rebind actions by id."""

from tui.app import EngLogApp
from tui.config import Paths, load_settings
from tui.screens.help import HelpScreen
from tui.screens.login import LoginScreen


async def test_keymap_override_from_config_file(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    root = tmp_path / "englog"
    root.mkdir()
    (root / "config.toml").write_text(
        'server_url = "http://127.0.0.1:9"\n\n[keymap]\n"nav.help" = "f2"\n"nope.unknown" = "x"\n')
    paths = Paths.default()
    assert paths.root == root
    assert load_settings(paths).keymap == {"nav.help": "f2", "nope.unknown": "x"}

    app = EngLogApp(paths=paths)
    assert app.keymap_warnings == ["keymap: unknown binding id 'nope.unknown'"]
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)  # no tokens yet
        app.set_focus(None)
        await pilot.press("f1")  # the old keys no longer open help...
        await pilot.press("question_mark")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("f2")  # ...the remapped one does
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


def test_json_config_is_read(tmp_path):
    paths = Paths(tmp_path)
    (tmp_path / "config.json").write_text('{"server_url": "http://x:1", "keymap": {"a": "b"}}')
    s = load_settings(paths)
    assert s.server_url == "http://x:1"
    assert s.keymap == {"a": "b"}
