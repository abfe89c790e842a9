"""Fit long periods into the model's window: entries -> weeks -> months -> the year.

Each stage summarizes groups of the previous stage's text. A group that is still too large for
one prompt is split into parts, the parts are summarized, and the summaries are summarized.
Summaries pass the same figure check as the narrative, so a number a small model invents at
the weekly stage cannot reach the final report.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from englog.v1 import tasks_pb2 as pb

from worker.llm.base import LLMBackend
from worker.reports import prompts
from worker.reports.figures import AllowedFigures, check_text
from worker.reports.usage import Progress, Usage, clean

LONG_REPORTS = ("quarterly", "annual", "yearly")
MARGIN = 48  # template tokens and tokenizer disagreement between count and chat template


@dataclass
class Material:
    label: str
    lines: list[str]


def entry_day(e: pb.LogEntry) -> date | None:
    try:
        return datetime.fromisoformat(e.start_time).date()
    except ValueError:
        return None


class Summarizer:
    def __init__(self, backend: LLMBackend, allowed: AllowedFigures, usage: Usage,
                 max_tokens: int, temperature: float, focus: list[str]):
        self.backend = backend
        self.allowed = allowed
        self.usage = usage
        self.max_tokens = max_tokens
        self.temperature = temperature
        self.focus = focus
        overhead = backend.count_message_tokens(prompts.summary_messages("Week of 2024-01-01",
                                                                         [], focus))
        self.budget = backend.context_window - max_tokens - overhead - MARGIN

    def tokens(self, lines: list[str]) -> int:
        return sum(self.backend.count_tokens(line) + 1 for line in lines)

    def pack(self, lines: list[str], budget: int) -> list[list[str]]:
        chunks: list[list[str]] = [[]]
        used = 0
        for line in lines:
            n = self.backend.count_tokens(line) + 1
            if n > budget:  # one enormous line: keep its head
                line = line[: budget * 3]
                n = self.backend.count_tokens(line) + 1
            if chunks[-1] and used + n > budget:
                chunks.append([])
                used = 0
            chunks[-1].append(line)
            used += n
        return chunks

    async def summarize(self, label: str, lines: list[str], depth: int = 0) -> str:
        chunks = self.pack(lines, self.budget)
        if len(chunks) == 1:
            return await self._one(label, chunks[0])
        parts = [await self._one(f"{label}, part {i + 1}", c) for i, c in enumerate(chunks)]
        if depth < 3 and self.tokens(parts) > self.budget:
            return await self.summarize(label, parts, depth + 1)
        return " ".join(parts)

    async def _one(self, label: str, lines: list[str]) -> str:
        messages = prompts.summary_messages(label, lines, self.focus)
        c = await self.backend.generate(messages, self.max_tokens, self.temperature)
        self.usage.add(c)
        text = check_text(clean(c.text, truncated=c.finish_reason == "length"), self.allowed).text
        text = " ".join(text.split())
        if not text:
            # Nothing usable came back: an extractive summary keeps the stage honest.
            titles = [line.split(" | ")[-1] for line in lines[:3]]
            text = "Work included " + "; ".join(titles) + "."
        return f"{label}: {text}"


def compact_lines(entries: list[pb.LogEntry]) -> list[str]:
    """One line per distinct piece of work, without figures.

    Prompt evaluation dominates CPU time, and recurring work ("Standup", "Review PR") repeats
    all week; the figures live in the facts tables, so summaries need only names.
    """
    groups: OrderedDict[tuple[str, str, str], int] = OrderedDict()
    for e in entries:
        key = (e.type or "-", e.project or "no project", e.title)
        groups[key] = groups.get(key, 0) + 1
    return [f"{kind}, {project}: {title}" + (" (recurring)" if n > 1 else "")
            for (kind, project, title), n in groups.items()]


def _week_start(d: date) -> date:
    return d - timedelta(days=d.weekday())


async def build_material(req: pb.GenerateInsightRequest, entries: list[pb.LogEntry],
                         summarizer: Summarizer, section_budget: int, progress: Progress,
                         lo: float, hi: float) -> Material:
    """The work-log text the narrative sections see, condensed only as far as needed."""
    lines = [prompts.entry_line(e) for e in entries]
    long_report = req.report_type in LONG_REPORTS
    if not long_report and summarizer.tokens(lines) <= section_budget:
        return Material("Work log", lines)

    usage = summarizer.usage
    weeks: OrderedDict[date, list[pb.LogEntry]] = OrderedDict()
    for e in entries:
        d = entry_day(e) or date.min
        weeks.setdefault(_week_start(d) if d != date.min else d, []).append(e)
    # Stage shares of the progress slice: weeks dominate (one call each), then months, year.
    w_hi = lo + (hi - lo) * 0.75
    m_hi = lo + (hi - lo) * 0.95
    usage.stages.append("weekly")
    weekly: list[tuple[date, str]] = []
    for i, (monday, week_entries) in enumerate(weeks.items()):
        await progress.step(lo, w_hi, i, len(weeks), f"summarizing week {i + 1}/{len(weeks)}")
        weekly.append((monday, await summarizer.summarize(f"Week of {monday}",
                                                          compact_lines(week_entries))))
    weekly_lines = [s for _, s in weekly]
    if not long_report and summarizer.tokens(weekly_lines) <= section_budget:
        return Material("Weekly summaries", weekly_lines)

    usage.stages.append("monthly")
    months: OrderedDict[str, list[str]] = OrderedDict()
    for monday, text in weekly:
        # A week belongs to the month of its Thursday (ISO rule), so no week is split.
        thursday = monday + timedelta(days=3)
        months.setdefault(thursday.strftime("%B %Y"), []).append(text)
    monthly = []
    for i, (month, week_texts) in enumerate(months.items()):
        await progress.step(w_hi, m_hi, i, len(months), f"summarizing month {i + 1}/{len(months)}")
        monthly.append(await summarizer.summarize(month, week_texts))
    if req.report_type not in ("annual", "yearly") and summarizer.tokens(monthly) <= section_budget:
        return Material("Monthly summaries", monthly)

    usage.stages.append("year")
    await progress(m_hi, "summarizing the year")
    overview = await summarizer.summarize("The whole period", monthly)
    lines = [overview]
    for m in monthly:  # add months while they still fit next to the overview
        if summarizer.tokens([*lines, m]) > section_budget:
            break
        lines.append(m)
    return Material("Summaries of the period", lines)
