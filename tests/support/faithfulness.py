"""Faithfulness of a generated report, measured on its final Markdown.

Used by tests/worker/test_faithfulness.py (asserts) and bench/bench_report.py (prints the
table). The narrative is read back from the Markdown as a reader would: each line's citation
is resolved to the fixture's entries by title and date, and every sentence is re-checked
with the sentence checker against the entries it cites and the facts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from englog.v1 import tasks_pb2 as pb
from google.protobuf import json_format

from backend.insights.payload import facts_message
from tests.support.report_weeks import Week
from worker.reports.checker import EvidenceEntry, check_sentence
from worker.reports.citations import Ref, ref_of, split_citation
from worker.reports.facts import Facts
from worker.reports.figures import LIST_MARKER_RE, split_sentences
from worker.reports.sections import ACCOMPLISHMENTS, TITLES


def weekly_request(week: Week, **kw) -> pb.GenerateInsightRequest:
    return pb.GenerateInsightRequest(
        insight_id=f"ins-{week.name}", user_id="u-1", report_type="weekly",
        period_start=week.start.isoformat(), period_end=week.end.isoformat(),
        user_name="Alex Doe", timezone=week.timezone,
        facts=json_format.ParseDict(facts_message(week.facts()), pb.ReportFacts()),
        entries=week.log_entries(), fingerprint=f"fp-{week.name}", **kw)


def narrative(markdown: str) -> dict[str, str]:
    """Section title -> body, for the narrative sections (after the facts, before the footer)."""
    body = markdown.split("\n---\n")[0]
    parts = re.split(r"^## ", body, flags=re.M)
    out = {}
    for p in parts[1:]:
        title, _, text = p.partition("\n")
        if title.strip() in TITLES:
            out[title.strip()] = text.strip()
    return out


@dataclass
class Line:
    section: str
    sentence: str
    refs: list[Ref]
    cited: list[pb.LogEntry]       # the fixture entries the refs resolve to
    unresolved: list[Ref]          # refs naming no entry of the week


@dataclass
class WeekResult:
    name: str
    sentences: int = 0
    invented_figures: list[str] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)
    accomplishments: list[Line] = field(default_factory=list)
    missing_top: list[str] = field(default_factory=list)
    kept: int = 0
    regenerated: int = 0
    replaced: int = 0
    seconds: float = 0.0
    calls: int = 0


def lines_of(markdown: str, entries: list[pb.LogEntry]) -> list[Line]:
    by_ref = {ref_of(e): e for e in entries}
    out = []
    for section, text in narrative(markdown).items():
        for raw in text.splitlines():
            raw = LIST_MARKER_RE.sub("", raw).strip()
            if not raw:
                continue
            sentence, refs = split_citation(raw)
            cited = [by_ref[r] for r in refs if r in by_ref]
            out.append(Line(section, sentence, refs, cited,
                            [r for r in refs if r not in by_ref]))
    return out


def measure(week: Week, resp: pb.GenerateInsightResponse) -> WeekResult:
    """Re-check every narrative sentence of the final Markdown."""
    facts = Facts.from_message(json_format.ParseDict(facts_message(week.facts()),
                                                     pb.ReportFacts())).raw
    entries = week.log_entries()
    result = WeekResult(week.name, calls=resp.model_calls)
    for line in lines_of(resp.content_markdown, entries):
        evidence = [EvidenceEntry.from_log_entry(e) for e in line.cited]
        for sentence in split_sentences(line.sentence):
            result.sentences += 1
            v = check_sentence(sentence, evidence, facts)
            result.invented_figures += [f"{f} in {sentence!r}" for f in v.bad_figures]
            if v.unsupported_words:
                result.unsupported.append(f"{sentence!r}: {v.unsupported_words}")
        if line.section == ACCOMPLISHMENTS:
            result.accomplishments.append(line)
    cited_ids = {e.id for line in result.accomplishments for e in line.cited}
    result.missing_top = [i for i in week.expect_top if i not in cited_ids]
    for s in resp.sentence_checks:
        result.kept += s.kept
        result.regenerated += s.regenerated
        result.replaced += s.replaced
    return result


def table(results: list[WeekResult]) -> str:
    head = ("| week | sentences | invented figures | unsupported | kept | regenerated | "
            "replaced | model calls | s |")
    rows = [head, "|" + "---|" * 9]
    for r in results:
        rows.append(f"| {r.name} | {r.sentences} | {len(r.invented_figures)} | "
                    f"{len(r.unsupported)} | {r.kept} | {r.regenerated} | {r.replaced} | "
                    f"{r.calls} | {r.seconds:.0f} |")
    n = sum(r.sentences for r in results) or 1
    generated = sum(r.kept + r.regenerated + r.replaced for r in results) or 1
    rows.append(
        f"| **all** | {n} | {sum(len(r.invented_figures) for r in results) / n:.1%} | "
        f"{sum(len(r.unsupported) for r in results) / n:.1%} | "
        f"{sum(r.kept for r in results) / generated:.1%} | "
        f"{sum(r.regenerated for r in results) / generated:.1%} | "
        f"{sum(r.replaced for r in results) / generated:.1%} | "
        f"{sum(r.calls for r in results)} | {sum(r.seconds for r in results):.0f} |")
    return "\n".join(rows)
