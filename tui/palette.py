"""Command palette provider over the actions registry (app actions + the current screen's)."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.actions import ACTIONS, Action, effective_key
from tui.keymap import display_key


class ActionsProvider(Provider):
    def _available(self) -> list[Action]:
        scope = getattr(self.screen, "SCOPE", None)
        return [a for a in ACTIONS
                if (a.scope == "app" or a.scope == scope) and a.id != "app.quit"]

    async def _run(self, a: Action) -> None:
        target = self.app if a.scope == "app" else self.screen
        await target.run_action(a.action)

    def _help(self, a: Action) -> str:
        return f"{a.group} · key {display_key(effective_key(a, self.app._keymap_overrides))}"

    async def discover(self) -> Hits:
        for a in self._available():
            yield DiscoveryHit(a.description, partial(self._run, a), help=self._help(a))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for a in self._available():
            text = f"{a.group}: {a.description}"
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), partial(self._run, a),
                          help=self._help(a))
