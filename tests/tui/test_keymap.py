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


async def test_remapped_keys_show_in_the_nav_bar_hints_and_help(api_url, alice, tmp_path):
    """Issue 11: the nav bar comes from the actions registry; issue 12 bug 12: so do the
    hints, and the help's header is not eaten as markup."""
    from tests.tui.conftest import make_app, text_of, wait_for
    from tests.tui.test_flows import session_of
    from tui.screens.base import NavBar
    from tui.screens.dashboard import DashboardScreen
    from tui.screens.entries import EntriesScreen

    app = make_app(tmp_path, api_url, session_of(alice),
                   keymap={"nav.entries": "9", "timer.start": "g", "entries.search": "ctrl+f"})
    async with app.run_test(size=(140, 42)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen), "dashboard")
        nav = text_of(app.screen.query_one(NavBar))
        assert " 9 Entries " in nav and " 2 Entries " not in nav
        assert " 1 Dashboard " in nav
        panel = app.screen.query_one("#timer-panel")
        await wait_for(pilot, lambda: "g Start timer" in text_of(panel), "remapped hint")
        assert "s Start timer" not in text_of(panel)
        assert "a Quick add" in text_of(panel)  # the whole hint, not cut at "a quick"
        await pilot.press("9")
        await wait_for(pilot, lambda: isinstance(app.screen, EntriesScreen), "entries via 9")
        assert "ctrl+f" in app.screen.query_one("#f-q").placeholder
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), "help")
        shown = " ".join(text_of(w) for w in app.screen.query("Static"))
        assert "Id (for [keymap])" in shown
        assert "9" in shown and "nav.entries" in shown


async def test_the_dashboard_hint_is_whole_at_80x24(api_url, alice, tmp_path):
    from tests.tui.conftest import make_app, text_of, wait_for
    from tests.tui.test_flows import session_of
    from tui.screens.dashboard import DashboardScreen

    app = make_app(tmp_path, api_url, session_of(alice))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen), "dashboard")
        await pilot.pause(0.5)
        panel = app.screen.query_one("#timer-panel")
        assert "Quick add" in text_of(panel)
        # The wrapped hint needs no more lines than the panel shows (it was cut at "a quick").
        inner = panel.content_region
        needed = panel.get_content_height(inner.size, app.size, inner.width)
        assert needed <= inner.height, (needed, inner)
