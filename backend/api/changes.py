"""What every write to a user's entries, projects or tags must do before answering."""

from __future__ import annotations

from sanic import Request


async def user_data_changed(request: Request) -> None:
    # Analytics and report caches key on this version, so they never serve stale data.
    await request.app.ctx.cache.bump_data_version(request.ctx.user.id)
