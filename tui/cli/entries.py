"""`englog add` (the quick-add line, same parser as the TUI) and `englog log` (per-day totals)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

import click

from tui.api import endpoints as ep
from tui.api.client import ApiClient, Unreachable
from tui.api.outbox import Outbox
from tui.cli.exits import CliError, Exit
from tui.cli.session import Cli, verb
from tui.cli.timer import warn_overlaps
from tui.quickadd import SYNTAX_HELP, QuickEntry, parse


def hm(minutes: int) -> str:
    return f"{minutes // 60}h{minutes % 60:02d}"


@click.command(epilog="\b\n" + SYNTAX_HELP)
@click.argument("line", nargs=-1, required=True)
@click.option("--create-project", is_flag=True,
              help="Create the @project first if you have none by that name.")
@verb
def add(cli: Cli, line: tuple[str, ...], create_project: bool) -> None:
    """Log an entry from one quick-add line: englog add '1h30 code "Fix race" @auth #bug'"""
    text = " ".join(line)
    now, prefs = cli.now(), cli.preferences
    q = parse(text, now, defaults=prefs)
    if not q.ok:
        raise rejected(q)
    async def go(api: ApiClient) -> tuple[QuickEntry, dict[str, Any] | None, int]:
        entry = q
        if q.project:
            projects = (await ep.list_projects(api)).get("items", [])
            entry = parse(text, now, projects=projects, defaults=prefs)
            if entry.unknown_project and create_project:
                await ep.create_project(api, {"name": entry.unknown_project})
                projects = (await ep.list_projects(api)).get("items", [])
                entry = parse(text, now, projects=projects, defaults=prefs)
            if not entry.ok:
                raise rejected(entry)
        outbox = Outbox(cli.paths.outbox)
        sent = await outbox.flush(api) if outbox.pending else 0
        try:
            return entry, await ep.create_log(api, entry.body()), sent
        except Unreachable as exc:
            # Like the TUI: keep it in the outbox; the next verb or the TUI sends it.
            outbox.add(entry.body(), maybe_sent=exc.maybe_sent)
            return entry, None, sent

    entry, saved, sent = cli.call(go)
    earlier = f" (and {sent} queued earlier)" if sent else ""
    if saved is None:
        cli.emit({"queued": True, "entry": entry.body()},
                 f"Server unreachable: “{entry.title}” is queued and will be sent later.")
        return
    project = f" @{saved['project_name']}" if saved.get("project_name") else ""
    cli.emit(saved, f"Logged “{saved['title']}” {hm(saved['duration_minutes'])} "
                    f"[{saved['type']}]{project} · {saved['value_rating']}/"
                    f"{saved['impact_level']}{earlier}.")
    warn_overlaps(cli, saved)


def rejected(q: QuickEntry) -> CliError:
    extra = {"unknown_project": q.unknown_project} if q.unknown_project else {}
    hint = " (add --create-project to create it)" if q.unknown_project else ""
    return CliError(Exit.REJECTED, "unknown_project" if q.unknown_project else "bad_line",
                    "; ".join(q.errors) + hint, {"line": "; ".join(q.errors)}, **extra)


@click.command()
@click.option("--week", "period", flag_value="week", help="This week (the default).")
@click.option("--last-week", "period", flag_value="last_week")
@click.option("--today", "period", flag_value="today")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), help="First day.")
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), help="Last day (default today).")
@verb
def log(cli: Cli, period: str | None, start: datetime | None, end: datetime | None) -> None:
    """Per-day totals and entries, like `watson log` or `timew summary`."""
    first, last = period_days(cli, period, start, end)
    items = cli.call(lambda api: ep.all_logs(api, start_date=first.isoformat(),
                                             end_date=last.isoformat(), sort="start_time"))
    days: dict[date, list[ep.Entry]] = defaultdict(list)
    for e in items:
        days[datetime.fromisoformat(e["start_time"]).astimezone(cli.tz).date()].append(e)
    total = sum(e["duration_minutes"] for e in items)
    data = {"from": first.isoformat(), "to": last.isoformat(), "total_minutes": total,
            "days": [{"date": d.isoformat(),
                      "minutes": sum(e["duration_minutes"] for e in es), "entries": es}
                     for d, es in sorted(days.items())]}
    cli.emit(data, render_log(cli, data))


def period_days(cli: Cli, period: str | None, start: datetime | None,
                end: datetime | None) -> tuple[date, date]:
    today = cli.now().date()
    if start or end:
        if period:
            raise CliError(Exit.USAGE, "usage", f"--{period.replace('_', '-')} or --from/--to, "
                           "not both.")
        if start is None:
            raise CliError(Exit.USAGE, "usage", "--to needs --from.")
        first, last = start.date(), (end.date() if end else today)
        if last < first:
            raise CliError(Exit.USAGE, "usage", "--to is before --from.")
        return first, last
    if period == "today":
        return today, today
    sunday = str(cli.preferences.get("week_start", "")).startswith("sun")
    monday = today - timedelta(days=(today.weekday() - (6 if sunday else 0)) % 7)
    if period == "last_week":
        monday -= timedelta(days=7)
    return monday, monday + timedelta(days=6)


def render_log(cli: Cli, data: dict[str, Any]) -> str:
    lines = []
    for day in data["days"]:
        d = date.fromisoformat(day["date"])
        lines.append(f"{d:%a %d %b %Y}  {hm(day['minutes']):>6}")
        for e in day["entries"]:
            s = datetime.fromisoformat(e["start_time"]).astimezone(cli.tz)
            t = datetime.fromisoformat(e["end_time"]).astimezone(cli.tz)
            extra = "".join([f"  @{e['project_name']}" if e.get("project_name") else "",
                             *(f" #{tag}" for tag in e.get("tags") or [])])
            lines.append(f"  {s:%H:%M}–{t:%H:%M} {hm(e['duration_minutes']):>6}  "
                         f"{e['type']:<9} {e['title']}{extra}")
    n = sum(len(d["entries"]) for d in data["days"])
    lines.append(f"Total {hm(data['total_minutes'])} · {n} entr{'y' if n == 1 else 'ies'} "
                 f"· {data['from']} → {data['to']}")
    return "\n".join(lines)
