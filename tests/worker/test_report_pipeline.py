"""The report pipeline with the real embedded model: facts tables, sections, figure check."""

from __future__ import annotations

import re
from datetime import date

from tests.worker.synthetic import insight_request, random_entries, week_entries
from worker.reports import ReportOptions, generate_report
from worker.reports.facts import Facts
from worker.reports.figures import allowed_figures, numbers_in, split_sentences
from worker.reports.prompts import SECTIONS

SMALL = ReportOptions(section_max_tokens=48, summary_max_tokens=24)


def narrative(markdown: str) -> dict[str, str]:
    parts = re.split(r"^## ", markdown, flags=re.M)
    return {p.split("\n", 1)[0].strip(): p.split("\n", 1)[1].split("\n---\n")[0].strip()
            for p in parts[1:]}


async def test_weekly_report_has_exact_facts_and_all_sections(embedded):
    req = insight_request(week_entries(), date(2024, 3, 4), date(2024, 3, 10), "weekly",
                          focus_areas=["code quality"])
    seen: list[tuple[int, str]] = []
    resp = await generate_report(req, embedded, lambda p, s: seen.append((p, s)), SMALL)
    md = resp.content_markdown

    assert resp.title == "Weekly Report — Alex Doe: 2024-03-04 to 2024-03-10"
    assert md.startswith(f"# {resp.title}\n")
    # Facts tables hold the hand-computed figures of the WEEK table in synthetic.py.
    assert "| Entries | 15 |" in md
    assert "| Time logged | 22.5 h (1,350 min) |" in md
    assert "| Active days | 5 |" in md
    assert "| code | 12.5 | 750 | 55.6% |" in md
    assert "| Atlas API | 10 | 600 | 44.4% | 5 |" in md
    assert "| high | 15.75 | 945 | 70% |" in md
    assert "| Peak hour | 09:00 |" in md and "| Most productive day | Tuesday |" in md
    assert "| Focus time | 80% |" in md and "| Collaboration ratio | 0.167 |" in md
    assert "| Minutes | 1,350 | 1,200 | +12.5% |" in md
    assert "- Mentoring sessions: 1 (1 h)" in md and "- Review sessions: 2 (1.25 h)" in md
    assert "Fix race in payment webhook (Billing) — 105 min [high/company]" in md

    sections = narrative(md)
    for section in SECTIONS:
        assert sections.get(section.title), f"missing or empty section {section.title}"
    # No narrative sentence states a number the facts do not contain.
    allowed = allowed_figures(Facts.from_message(req.facts).raw,
                              *(f"{e.title} {e.start_time} {e.duration_minutes}"
                                for e in req.entries))
    for section in SECTIONS:
        for sentence in split_sentences(sections[section.title]):
            stray = [n for n in numbers_in(sentence.lstrip("- ")) if not allowed.allows(n)]
            assert not stray, f"{section.title}: {sentence!r} states {stray}"

    assert resp.backend == "embedded" and resp.model == "SmolLM2-135M-Instruct.Q4_1"
    assert resp.prompt_tokens > 500 and resp.completion_tokens > 0
    assert resp.generation_ms > 0 and resp.dropped_sentences >= 0
    assert resp.fingerprint == "fp-123" and resp.insight_id == "ins-1"
    assert resp.summary == "15 entries, 22.5 h over 5 active days; most time on code, mainly " \
                           "in Atlas API."
    percents = [p for p, _ in seen]
    assert percents == sorted(percents) and percents[-1] == 100
    assert [s for _, s in seen if s.startswith("writing")] == \
        [f"writing {s.title}" for s in SECTIONS]


async def test_long_period_is_summarized_in_stages_and_fits_the_window(embedded):
    start, end = date(2024, 1, 1), date(2024, 3, 31)
    entries = random_entries(start, 91, 300)
    req = insight_request(entries, start, end, "quarterly")
    seen: list[str] = []
    resp = await generate_report(req, embedded, lambda p, s: seen.append(s), SMALL)

    weeks = [s for s in seen if s.startswith("summarizing week")]
    months = [s for s in seen if s.startswith("summarizing month")]
    # 2024-01-01 is a Monday and 2024-03-31 a Sunday: exactly 13 ISO weeks.
    assert len(weeks) == 13 and weeks[-1] == "summarizing week 13/13"
    assert len(months) == 3
    assert "| Entries | 300 |" in resp.content_markdown
    sections = narrative(resp.content_markdown)
    assert all(sections.get(s.title) for s in SECTIONS)
    # Every call fit the 2048-token window (llama.cpp would have raised otherwise), and the
    # staged path made one call per week and month plus one per section.
    assert resp.prompt_tokens > 0 and resp.completion_tokens > 0
