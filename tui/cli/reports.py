"""`englog report weekly --wait --out FILE`: ask for a report and, optionally, wait for it."""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from tui.api import endpoints as ep
from tui.api.client import ApiClient, ApiError, Unreachable
from tui.cli.exits import CliError, Exit
from tui.cli.session import Cli, verb

REPORT_TYPES = ("daily", "weekly", "sprint", "monthly", "quarterly", "annual")
DONE = ("completed", "failed")
POLL_SECONDS = 2.0


@click.command()
@click.argument("report_type", metavar="TYPE", type=click.Choice(REPORT_TYPES))
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]),
              help="First day (with --to; default: the current period).")
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), help="Last day.")
@click.option("--wait", is_flag=True, help="Wait until the worker has written it.")
@click.option("--out", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="With --wait: write the Markdown here instead of stdout.")
@click.option("--timeout", type=click.FloatRange(min=1), default=1800.0, show_default=True,
              help="With --wait: give up (exit 7) after this many seconds.")
@verb
def report(cli: Cli, report_type: str, start: datetime | None, end: datetime | None,
           wait: bool, out: Path | None, timeout: float) -> None:
    """Generate a report: englog report weekly --wait --out week.md"""
    if (start is None) != (end is None):
        raise CliError(Exit.USAGE, "usage", "Give --from and --to together, or neither.")
    if out and not wait:
        raise CliError(Exit.USAGE, "usage", "--out needs --wait.")
    body: dict[str, Any] = {"report_type": report_type}
    if start and end:
        body |= {"period_start": start.date().isoformat(), "period_end": end.date().isoformat()}
    progress = None if cli.as_json or not sys.stderr.isatty() else show_progress

    async def go(api: ApiClient) -> ep.Report:
        first = await ep.generate_report(api, body)
        if not wait or first.get("status") in DONE and "content" in first:
            return first
        try:
            return await asyncio.wait_for(follow(api, first, progress), timeout)
        except TimeoutError as exc:
            raise CliError(Exit.TIMED_OUT, "timed_out",
                           f"Gave up after {timeout:g} s; the report {first['id']} is still "
                           f"{first.get('status')}.", id=first["id"]) from exc

    result = cli.call(go)
    if not wait:
        cli.emit(result, f"Report {result['id']} {result['status']} "
                         f"({result['period_start']} → {result['period_end']}).")
        return
    if result.get("status") == "failed":
        raise CliError(Exit.REPORT_FAILED, "report_failed",
                       f"The report failed: {result.get('error') or 'no reason given'}.",
                       id=result["id"])
    content = result.get("content") or ""
    if out:
        out.write_text(content if content.endswith("\n") else content + "\n")
    if cli.as_json:
        cli.emit({**result, "out": str(out) if out else None}, "")
    elif out:
        click.echo(f"Wrote the {report_type} report ({result['period_start']} → "
                   f"{result['period_end']}) to {out}.")
    else:
        click.echo(content)


def show_progress(state: dict[str, Any]) -> None:
    click.echo(f"\r{state.get('progress', 0):>3}% {state.get('stage', '')}"[:79].ljust(80),
               err=True, nl=False)


async def follow(api: ApiClient, report: ep.Report, progress: Any) -> ep.Report:
    """Follow the event stream until the report is done (polling if the stream fails), then
    fetch it whole: the stream carries the status, not the content."""
    rid = report["id"]
    state: dict[str, Any] = dict(report)
    try:
        async for _event, data in ep.report_events(api, rid):
            state |= data
            if progress:
                progress(state)
            if state.get("status") in DONE:
                break
    except (Unreachable, ApiError):
        pass  # the stream is a convenience: poll below
    while state.get("status") not in DONE:
        await asyncio.sleep(POLL_SECONDS)
        state = dict(await ep.get_report(api, rid))
        if progress:
            progress(state)
    if progress:
        click.echo("", err=True)
    return await ep.get_report(api, rid)
