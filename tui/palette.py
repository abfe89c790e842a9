"""Command palette provider over the actions registry: the app's actions, every main
screen's actions (running one first opens its screen), and the current dialog's own."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.actions import ACTIONS, MODE_SCOPES, Action
from tui.keymap import key_of


class ActionsProvider(Provider):
    def _available(self) -> list[Action]:
        scope = getattr(self.screen, "SCOPE", None)
        return [a for a in ACTIONS
                if (a.scope in ("app", scope) or a.scope in MODE_SCOPES)
                and a.id != "app.quit"]

    async def _run(self, a: Action) -> None:
        if a.scope == "app":
            await self.app.run_action(a.action)
            return
        if a.scope in MODE_SCOPES and getattr(self.screen, "SCOPE", None) != a.scope:
            await self.app.switch_mode(a.scope)  # type: ignore[attr-defined]
        await self.app.screen.run_action(a.action)

    def _help(self, a: Action) -> str:
        where = "" if a.scope in ("app", getattr(self.screen, "SCOPE", None)) \
            else f" · opens {a.scope.title()}"
        return f"{a.group} · key {key_of(self.app, a.id)}{where}"

    async def discover(self) -> Hits:
        for a in self._available():
            yield DiscoveryHit(f"{a.group}: {a.description}", partial(self._run, a),
                               help=self._help(a))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for a in self._available():
            text = f"{a.group}: {a.description}"
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), partial(self._run, a),
                          help=self._help(a))
