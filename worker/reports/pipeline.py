"""GenerateInsightRequest -> GenerateInsightResponse. Code selects, the model words, the
checker decides.

1. The facts tables are rendered by code from the API's facts (facts.py).
2. Code chooses each section's subject (sections.py, select.py): the heaviest entries by
   value x impact x minutes, the patterns of the facts, a rule for the advice.
3. The model gets one small job per sentence, answering JSON constrained by a schema whose
   enum lists only the entries in its prompt (jobs.py), through either backend.
4. Every sentence is checked against the entries it cites and the facts (checker.py) before
   it is kept; a dropped one is regenerated once, then replaced by a templated sentence.
5. Every entry claim ends with its citation (citations.py); the response counts, per
   section, the sentences kept, regenerated and replaced.
6. Weekly reports return the week's digest; long periods compose from the stored digests'
   highlights plus the weeks sent as entries (digests.py), so an annual review asks the
   model for a handful of sentences, not a summary of every week.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from englog.v1 import tasks_pb2 as pb

from worker.llm.base import LLMBackend
from worker.reports import sections, select
from worker.reports.checker import EvidenceEntry, check_sentence
from worker.reports.citations import ref_of, with_citation
from worker.reports.digests import (
    Candidate,
    by_week,
    highlight,
    is_iso_week,
    long_candidates,
    of_entry,
    weekly_digest,
)
from worker.reports.facts import Facts, fmt, render_facts, top_name
from worker.reports.jobs import Claim, Job, JobRunner, Tallies
from worker.reports.usage import Progress, ProgressFn, Usage

LONG_REPORTS = ("sprint", "monthly", "quarterly", "annual", "yearly")


@dataclass
class ReportOptions:
    claim_max_tokens: int = 72   # one JSON sentence with its entry references
    temperature: float = 0.2


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


class Writer:
    """Runs the section jobs of one report and keeps the sentences that pass."""

    def __init__(self, backend: LLMBackend, facts: Facts, usage: Usage,
                 options: ReportOptions, progress: Progress):
        self.facts, self.progress = facts, progress
        self.tallies = Tallies()
        self.runner = JobRunner(backend, self.check, usage, self.tallies,
                                options.claim_max_tokens, options.temperature)
        self.done = 0
        self.total = 1

    def check(self, sentence: str, cited: Sequence[pb.LogEntry]) -> tuple[bool, list[str]]:
        v = check_sentence(sentence, [EvidenceEntry.from_log_entry(e) for e in cited],
                           self.facts.raw)
        return v.ok, v.reasons

    async def claim(self, job: Job) -> Claim:
        await self.progress.step(5, 97, self.done, self.total, f"writing {job.section}")
        self.done += 1
        return await self.runner.run(job)

    async def claims(self, jobs: Sequence[Job]) -> list[Claim]:
        return [await self.claim(j) for j in jobs]

    def checked_text(self, text: str, fallback: str) -> str:
        """A templated period-level sentence (no entry cited) goes through the checker too."""
        ok, _ = self.check(text, [])
        return text if ok else fallback

    def reused_highlight(self, c: Candidate) -> str:
        """A stored digest highlight, as it was worded (no model call), re-checked so nothing
        unchecked reaches a report; a failing one becomes the plain sentence on its title.

        Words: the highlight in dict form is its own entry's evidence (the checker's rule:
        its words were checked against the entry when the digest was built). Figures: that
        rule would also make every number in the sentence "stated by the entry", so they are
        checked once more against the entry's title alone and this report's facts: "meetings
        took 90%" fails when the period's facts say 8.6%, "3 h" fails without the entry."""
        known = {"entry_id": c.entry_id, "title": c.ref.title, "date": c.ref.date}
        if c.sentence:
            words = check_sentence(c.sentence, [EvidenceEntry.from_log_entry(
                {**known, "sentence": c.sentence})], self.facts.raw)
            figures = check_sentence(c.sentence, [EvidenceEntry.from_log_entry(known)],
                                     self.facts.raw)
            if words.ok and not figures.bad_figures:
                return c.sentence
            reasons = words.reasons + [r for r in figures.reasons if r.startswith("figure")]
            self.tallies.dropped.append(f"[stored] {c.sentence} ({'; '.join(reasons)})")
        self.tallies.count(sections.ACCOMPLISHMENTS, "replaced")
        return f"You logged {c.ref.title.strip().rstrip('.')}."

    def checked_template(self, c: Candidate) -> str:
        """A stored highlight for an entry nobody asked the model about this time."""
        assert c.entry is not None
        text = sections.entry_template(c.entry)
        ok, _ = self.check(text, [c.entry])
        return text if ok else f"You logged {c.entry.title.strip().rstrip('.')}."


def _bullets(lines: Sequence[str]) -> str:
    return "\n".join(f"- {line}" for line in lines)


def _cited(claim: Claim) -> str:
    return with_citation(claim.sentence, [ref_of(e) for e in claim.entries])


async def _accomplishments(w: Writer, candidates: Sequence[Candidate]) -> tuple[
        list[str], dict[str, str]]:
    """Bullets, and the kept sentence per entry id (for the digests)."""
    fresh = [c.entry for c in candidates if c.entry is not None]
    worded = {}
    for entry, claim in zip(fresh, await w.claims(sections.accomplishment_jobs(fresh)),
                            strict=True):
        worded[entry.id] = claim.sentence
    lines = []
    for c in candidates:
        sentence = worded[c.entry_id] if c.entry is not None else w.reused_highlight(c)
        lines.append(with_citation(sentence, [c.ref]))
    return lines, worded


async def _long_narrative(w: Writer, f: Facts, entries: list[pb.LogEntry],
                          candidates: list[Candidate]) -> tuple[str, dict[str, str]]:
    """Sprint to annual: the accomplishments are the period's best highlights, reused as the
    digests stored them; only the candidates from weeks sent as entries are worded. Of the
    period-level sentences only the time split and the facts' advice are worded; the
    technical and excellence sections are templated from the facts: the entries sent are a
    few changed or partial weeks, not the period, so per-entry jobs on them would describe
    the wrong work and cost model calls an annual review cannot afford."""
    recommendations = sections.period_recommendation_jobs(f)
    w.total = sum(c.entry is not None for c in candidates) + 1 + len(recommendations)
    acc_lines, worded = await _accomplishments(w, candidates)
    time_claims = await w.claims(sections.time_jobs(f, entries))
    rec_claims = await w.claims(recommendations)
    project = sections.project_template(f)
    time_text = " ".join([*(_cited(c) for c in time_claims),
                          *([w.checked_text(project, "")] if project else [])]).strip()
    parts = [
        (sections.ACCOMPLISHMENTS, _bullets(acc_lines) if acc_lines else
         "No entries were logged in this period."),
        (sections.TIME, time_text),
        (sections.TECHNICAL, w.checked_text(sections.technical_fallback(f),
                                            sections.NO_TECHNICAL)),
        (sections.EXCELLENCE, w.checked_text(sections.excellence_fallback(f),
                                             sections.NO_HIGH_VALUE)),
        (sections.RECOMMENDATIONS, _bullets([_cited(c) for c in rec_claims]) if rec_claims
         else "- " + sections.KEEP_LOGGING),
    ]
    text = "\n".join(f"## {title}\n\n{body}\n" for title, body in parts)
    return text, worded


async def _narrative(w: Writer, f: Facts, entries: list[pb.LogEntry],
                     candidates: list[Candidate]) -> tuple[str, dict[str, str]]:
    chosen_ids = {c.entry_id for c in candidates}
    technical = select.technical(entries, [e for e in entries if e.id in chosen_ids],
                                 select.LONG_TECHNICAL if len(candidates) > 4
                                 else select.TECHNICAL)
    w.total = (sum(c.entry is not None for c in candidates) + len(technical) + 3)

    acc_lines, worded = await _accomplishments(w, candidates)
    time_claims = await w.claims(sections.time_jobs(f, entries))
    project = sections.project_template(f)
    tech_claims = await w.claims(sections.technical_jobs(technical))
    excel_claims = await w.claims(sections.excellence_jobs(f, entries))
    rec_claims = await w.claims(sections.recommendation_jobs(f, entries))

    time_text = " ".join([*(_cited(c) for c in time_claims), *([project] if project else [])])
    tech_text = _bullets([_cited(c) for c in tech_claims]) if tech_claims else \
        sections.technical_fallback(f)
    parts = [
        (sections.ACCOMPLISHMENTS, _bullets(acc_lines) if acc_lines else
         "No entries were logged in this period."),
        (sections.TIME, time_text),
        (sections.TECHNICAL, tech_text),
        (sections.EXCELLENCE, " ".join(_cited(c) for c in excel_claims) or
         sections.excellence_fallback(f)),
        (sections.RECOMMENDATIONS, _bullets([_cited(c) for c in rec_claims]) if rec_claims
         else "- Continue logging your work next week."),
    ]
    text = "\n".join(f"## {title}\n\n{body}\n" for title, body in parts)
    return text, worded


def _week_digests(req: pb.GenerateInsightRequest, w: Writer, entries: list[pb.LogEntry],
                  worded: dict[str, str]) -> list[pb.WeekDigest]:
    """One digest per week the API asked for (weeks_to_digest); for a weekly report of a
    whole ISO week, also that week when the API did not list it (fingerprint left empty)."""
    wanted = list(req.weeks_to_digest)
    if not wanted and entries and req.report_type == "weekly" and is_iso_week(
            req.period_start, req.period_end):
        wanted = [pb.WeekDigest(week_start=req.period_start, facts=req.facts)]
    weeks = by_week(entries)
    out = []
    for want in wanted:
        picked = [of_entry(e) for e in select.accomplishments(weeks.get(want.week_start, []))]
        lights = [highlight(c, worded.get(c.entry_id) or w.checked_template(c)) for c in picked]
        out.append(weekly_digest(want.week_start, want.fingerprint, want.facts, lights))
    return out


def _candidates(req: pb.GenerateInsightRequest, entries: list[pb.LogEntry]) -> list[Candidate]:
    if req.report_type in LONG_REPORTS:
        n = select.LONG_ACCOMPLISHMENTS
        return long_candidates(entries, req.digests)[:n]
    chosen = [of_entry(e) for e in select.accomplishments(entries)]
    if not chosen:  # a week served from its digest: its highlights are the accomplishments
        chosen = long_candidates([], req.digests)[:select.ACCOMPLISHMENTS]
    return chosen


async def _digest_only(req: pb.GenerateInsightRequest, w: Writer,
                       entries: list[pb.LogEntry]) -> list[pb.WeekDigest]:
    """A task with no insight (the Monday digest job): word each week's highlights only."""
    weeks = by_week(entries)
    picked = [e for want in req.weeks_to_digest
              for e in select.accomplishments(weeks.get(want.week_start, []))]
    w.total = max(1, len(picked))
    worded = {c.entries[0].id: c.sentence
              for c in await w.claims(sections.accomplishment_jobs(picked))}
    return _week_digests(req, w, entries, worded)


async def generate_report(req: pb.GenerateInsightRequest, backend: LLMBackend,
                          progress: ProgressFn | None = None,
                          options: ReportOptions | None = None) -> pb.GenerateInsightResponse:
    options = options or ReportOptions()
    started = time.perf_counter()
    prog = Progress(progress)
    await prog(1, "rendering facts")
    facts = Facts.from_message(req.facts)
    entries = _scoped(req)
    usage = Usage(model=backend.model)
    w = Writer(backend, facts, usage, options, prog)

    if not req.insight_id:
        digests = await _digest_only(req, w, entries)
        title = content = summary = ""
    else:
        write = _long_narrative if req.report_type in LONG_REPORTS else _narrative
        narrative, worded = await write(w, facts, entries, _candidates(req, entries))
        digests = _week_digests(req, w, entries, worded) if not req.include_projects else []
        title = title_for(req)
        footer = (f"\n---\n_Narrative by {backend.name} model {usage.model}, one checked "
                  f"sentence at a time; figures computed from your log._\n")
        content = f"# {title}\n\n{render_facts(facts)}\n{narrative}{footer}"
        summary = summary_for(facts)
    await prog(100, "done")
    return pb.GenerateInsightResponse(
        insight_id=req.insight_id,
        title=title,
        content_markdown=content,
        summary=summary,
        model=usage.model,
        backend=backend.name,
        prompt_tokens=usage.prompt_tokens,
        completion_tokens=usage.completion_tokens,
        generation_ms=int((time.perf_counter() - started) * 1000),
        dropped_sentences=len(w.tallies.dropped),
        fingerprint=req.fingerprint,
        new_digests=digests,
        sentence_checks=w.tallies.messages(),
        model_calls=usage.calls,
    )
