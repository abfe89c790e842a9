"""GenerateInsightRequest -> GenerateInsightResponse: facts rendered by code, prose by the LLM."""

from __future__ import annotations

import time
from dataclasses import dataclass

from englog.v1 import tasks_pb2 as pb

from worker.llm.base import LLMBackend
from worker.reports import prompts
from worker.reports.facts import Facts, digest, fmt, render_facts, top_name
from worker.reports.figures import AllowedFigures, allowed_figures, check_text
from worker.reports.staging import MARGIN, Summarizer, build_material
from worker.reports.usage import Progress, ProgressFn, Usage, clean


@dataclass
class ReportOptions:
    section_max_tokens: int = 110
    summary_max_tokens: int = 70
    temperature: float = 0.2
    regenerate: bool = True  # one retry, forbidding digits, when a section loses every sentence


def title_for(req: pb.GenerateInsightRequest) -> str:
    kind = (req.report_type or "custom").capitalize()
    who = f" — {req.user_name}" if req.user_name else ""
    return f"{kind} Report{who}: {req.period_start} to {req.period_end}"


def summary_for(f: Facts) -> str:
    t = f.totals
    text = (f"{fmt(t.get('entries', 0))} entries, {fmt(t.get('hours', f.total_minutes / 60))} h "
            f"over {fmt(t.get('active_days', 0))} active days")
    main_type, main_project = top_name(f, "by_type"), top_name(f, "by_project")
    if main_type:
        text += f"; most time on {main_type}"
        if main_project:
            text += f", mainly in {main_project}"
    return text + "."


def _scoped(req: pb.GenerateInsightRequest) -> list[pb.LogEntry]:
    entries = sorted(req.entries, key=lambda e: e.start_time)
    if req.include_projects:
        wanted = {p.lower() for p in req.include_projects}
        scoped = [e for e in entries if e.project.lower() in wanted]
        return scoped or entries
    return entries


class _Writer:
    def __init__(self, req, backend: LLMBackend, allowed: AllowedFigures, usage: Usage,
                 options: ReportOptions, facts_digest: str):
        self.req, self.backend, self.allowed = req, backend, allowed
        self.usage, self.options, self.digest = usage, options, facts_digest
        self.dropped: list[str] = []

    def section_budget(self) -> int:
        probe = prompts.section_messages(self.req, self.digest, "Summaries of the period", "",
                                         max(prompts.SECTIONS, key=lambda s: len(s.instruction)),
                                         strict=True)
        overhead = self.backend.count_message_tokens(probe)
        return (self.backend.context_window - self.options.section_max_tokens - overhead
                - MARGIN)

    async def section(self, section: prompts.Section, label: str, material: str) -> str:
        for strict in (False, True):
            messages = prompts.section_messages(self.req, self.digest, label, material, section,
                                                strict=strict)
            c = await self.backend.generate(messages, self.options.section_max_tokens,
                                            self.options.temperature)
            self.usage.add(c)
            text = clean(c.text, section.title, truncated=c.finish_reason == "length")
            checked = check_text(text, self.allowed)
            self.dropped += checked.dropped
            if checked.text or not self.options.regenerate or not checked.dropped:
                break
        return checked.text or section.fallback


async def generate_report(req: pb.GenerateInsightRequest, backend: LLMBackend,
                          progress: ProgressFn | None = None,
                          options: ReportOptions | None = None) -> pb.GenerateInsightResponse:
    options = options or ReportOptions()
    started = time.perf_counter()
    prog = Progress(progress)
    await prog(1, "rendering facts")
    facts = Facts.from_message(req.facts)
    facts_md = render_facts(facts)
    facts_digest = digest(facts)
    entries = _scoped(req)
    entry_text = [f"{e.title} {e.description} {e.start_time} {e.duration_minutes}"
                  for e in entries]
    allowed = allowed_figures(facts.raw, facts_md, facts_digest, *entry_text,
                              extra=[len(req.entries)])
    usage = Usage(model=backend.model)
    writer = _Writer(req, backend, allowed, usage, options, facts_digest)
    summarizer = Summarizer(backend, allowed, usage, options.summary_max_tokens,
                            options.temperature, list(req.focus_areas))

    budget = writer.section_budget()
    await prog(5, "preparing the work log")
    material = await build_material(req, entries, summarizer, budget, prog, 5, 70)
    material_text = "\n".join(material.lines) or "(no entries in this period)"

    narrative: list[str] = []
    lo = 70 if usage.stages else 10
    for i, section in enumerate(prompts.SECTIONS):
        await prog.step(lo, 97, i, len(prompts.SECTIONS), f"writing {section.title}")
        body = await writer.section(section, material.label, material_text)
        narrative += [f"## {section.title}", "", body, ""]

    title = title_for(req)
    content = "\n".join([f"# {title}", "", facts_md, *narrative]).rstrip() + "\n"
    footer = (f"\n---\n_Narrative by {backend.name} model {usage.model}; figures computed from "
              f"your log._\n")
    await prog(100, "done")
    return pb.GenerateInsightResponse(
        insight_id=req.insight_id,
        title=title,
        content_markdown=content + footer,
        summary=summary_for(facts),
        model=usage.model,
        backend=backend.name,
        prompt_tokens=usage.prompt_tokens,
        completion_tokens=usage.completion_tokens,
        generation_ms=int((time.perf_counter() - started) * 1000),
        dropped_sentences=len(writer.dropped),
        fingerprint=req.fingerprint,
    )
