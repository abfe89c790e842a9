"""`englog start|stop|cancel`: the running timer from the shell (status: tui/cli/status.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import click

from tui.api import endpoints as ep
from tui.api.client import ApiClient
from tui.cli.exits import CliError, Exit
from tui.cli.session import Cli, verb
from tui.quickadd import (
    ACTIVITY_TYPES,
    IMPACT_LEVELS,
    TYPE_ALIASES,
    VALUE_RATINGS,
    AmbiguousProject,
    find_project,
)

TYPES = click.Choice([*ACTIVITY_TYPES, *TYPE_ALIASES], case_sensitive=False)


async def resolve_project(api: ApiClient, name: str) -> ep.Project:
    """The user's project called `name`, matched like quick add's @project."""
    page = await ep.list_projects(api)
    try:
        found = find_project(name, page.get("items", []))
    except AmbiguousProject as exc:
        raise CliError(Exit.REJECTED, "ambiguous_project", str(exc)) from exc
    if found is None:
        raise CliError(Exit.REJECTED, "unknown_project", f"No project named “{name}”.",
                       {"project": "unknown"}, unknown_project=name)
    return found  # type: ignore[return-value]


def clock(cli: Cli, iso: str) -> str:
    return f"{datetime.fromisoformat(iso).astimezone(cli.tz):%H:%M}"


def warn_overlaps(cli: Cli, saved: dict[str, Any], shown: int = 3) -> None:
    """Name the entries the one just saved overlaps (the API lists them; it still saved)."""
    items = saved.get("overlaps") or []
    if not items:
        return
    named = ", ".join(f"“{o['title']}” {clock(cli, o['start_time'])}–{clock(cli, o['end_time'])}"
                      for o in items[:shown])
    more = f" and {len(items) - shown} more" if len(items) > shown else ""
    cli.warn(f"Overlaps {named}{more} (saved anyway).")


@click.command()
@click.argument("title", nargs=-1)
@click.option("--type", "-t", "kind", type=TYPES, help="Activity type (default: your preference).")
@click.option("--project", "-p", help="Project name (case, spaces and hyphens don't matter).")
@click.option("--tag", "tags", multiple=True, help="A tag; repeat for more.")
@click.option("--value", type=click.Choice(VALUE_RATINGS), help="Default: your preference.")
@click.option("--impact", type=click.Choice(IMPACT_LEVELS), help="Default: your preference.")
@verb
def start(cli: Cli, title: tuple[str, ...], kind: str | None, project: str | None,
          tags: tuple[str, ...], value: str | None, impact: str | None) -> None:
    """Start a timer: englog start "Fix token refresh race" -t code -p auth --tag bug-fix"""
    body: dict[str, Any] = {"title": " ".join(title).strip(), "tags": list(tags)}
    if kind:
        body["type"] = TYPE_ALIASES.get(kind.lower(), kind.lower())
    if value:
        body["value_rating"] = value
    if impact:
        body["impact_level"] = impact

    async def go(api: ApiClient) -> tuple[ep.Timer, ep.Project | None]:
        found = await resolve_project(api, project) if project else None
        if found:
            body["project_id"] = found["id"]
        return await ep.start_timer(api, body), found

    timer, found = cli.call(go)
    where = f" @{found['name']}" if found else ""
    cli.emit({**timer, "project_name": found["name"] if found else None},
             f"Started “{timer['title'] or '(untitled)'}” [{timer['type']}]{where} "
             f"at {clock(cli, timer['started_at'])}.")


@click.command()
@click.option("--title", help="Title to log it under (if the timer has none yet).")
@verb
def stop(cli: Cli, title: str | None) -> None:
    """Stop the running timer and log it as an entry."""
    entry = cli.call(lambda api: ep.stop_timer(api, {"title": title} if title else None))
    cli.emit(entry, f"Logged “{entry['title']}”: {entry['duration_minutes']} min "
                    f"({clock(cli, entry['start_time'])}–{clock(cli, entry['end_time'])}).")
    warn_overlaps(cli, entry)


@click.command()
@verb
def cancel(cli: Cli) -> None:
    """Discard the running timer without logging it."""
    cli.call(ep.cancel_timer)
    cli.emit({"cancelled": True}, "Timer cancelled; nothing was logged.")

