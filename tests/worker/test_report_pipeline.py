"""The report pipeline with the real embedded model: facts tables, code-chosen sections,
checked and cited sentences, week digests out, long periods composed from digests in."""

from __future__ import annotations

from datetime import date, timedelta

from englog.v1 import tasks_pb2 as pb

from tests.support.faithfulness import lines_of, narrative
from tests.worker.synthetic import facts_message, insight_request, random_entries, week_entries
from worker.reports import generate_report, select
from worker.reports.citations import Ref, cite, ref_of
from worker.reports.digests import by_week
from worker.reports.sections import ACCOMPLISHMENTS, TECHNICAL, TITLES


async def test_weekly_report_has_exact_facts_cited_sections_and_its_digest(embedded):
    entries = week_entries()
    req = insight_request(entries, date(2024, 3, 4), date(2024, 3, 10), "weekly",
                          focus_areas=["code quality"])
    seen: list[tuple[int, str]] = []
    resp = await generate_report(req, embedded, lambda p, s: seen.append((p, s)))
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

    sections = narrative(md)
    assert list(sections) == list(TITLES) and all(sections.values())
    # Accomplishments are the heaviest entries (value x impact x minutes), each cited.
    expected = select.accomplishments(entries)
    acc = [line for line in lines_of(md, entries) if line.section == ACCOMPLISHMENTS]
    assert [line.cited for line in acc] == [[e] for e in expected]
    assert all(line.refs and not line.unresolved for line in acc)

    checks = {s.section: s for s in resp.sentence_checks}
    a = checks[ACCOMPLISHMENTS]
    assert a.kept + a.regenerated + a.replaced == len(expected)
    assert resp.model_calls == sum(c.kept + 2 * c.regenerated + 2 * c.replaced
                                   for c in resp.sentence_checks)
    assert resp.backend == "embedded" and resp.model == "SmolLM2-135M-Instruct.Q4_1"
    assert resp.prompt_tokens > 0 and resp.completion_tokens > 0
    assert resp.fingerprint == "fp-123" and resp.insight_id == "ins-1"
    assert resp.summary == "15 entries, 22.5 h over 5 active days; most time on code, mainly " \
                           "in Atlas API."
    # The week's digest: its facts and the accomplishments as highlights, best first.
    [digest] = resp.new_digests
    assert digest.week_start == "2024-03-04" and digest.facts == req.facts
    assert [h.entry_id for h in digest.highlights] == [e.id for e in expected]
    assert [h.score for h in digest.highlights] == [select.score(e) for e in expected]
    assert all(h.sentence and h.title and h.date for h in digest.highlights)
    percents = [p for p, _ in seen]
    assert percents == sorted(percents) and percents[-1] == 100
    assert {s for _, s in seen if s.startswith("writing")} == {f"writing {t}" for t in TITLES}


def _stored_digest(monday: date, i: int) -> pb.WeekDigest:
    day = (monday + timedelta(days=1)).isoformat()
    return pb.WeekDigest(week_start=monday.isoformat(), fingerprint=f"fp-{i}", highlights=[
        pb.Highlight(entry_id=f"d{i}a", sentence=f"You finished stored item {i}.",
                     title=f"Stored item {i}", date=day, score=10.0 * i),
        pb.Highlight(entry_id=f"d{i}b", sentence=f"You reviewed stored item {i}.",
                     title=f"Stored review {i}", date=day, score=1.0)])


async def test_quarter_composes_from_digests_and_digests_the_weeks_it_got_entries_for(
        embedded):
    start, end = date(2024, 1, 1), date(2024, 3, 31)   # 13 ISO weeks, Monday to Sunday
    fresh_start = start + timedelta(weeks=10)          # weeks 11-13 come as entries
    entries = random_entries(fresh_start, 21, 60)
    stored = [_stored_digest(start + timedelta(weeks=i), i) for i in range(10)]
    # One stored highlight outweighs everything: re-ranking by score must put it first.
    stored[3].highlights[0].score = 1e9
    # A stored sentence is reused as worded, but re-checked: a false figure (meetings are
    # not 90% of this quarter) does not reach the report, the plain sentence takes its place.
    stored[5].highlights[0].score = 1e8
    stored[5].highlights[0].sentence = "Meetings took 90% of the time."
    fresh_weeks = list(by_week(entries))
    wanted = [pb.WeekDigest(week_start=w, fingerprint=f"fp-{w}",
                            facts=facts_message(ws, date.fromisoformat(w),
                                                date.fromisoformat(w) + timedelta(days=6)))
              for w, ws in by_week(entries).items()]
    req = insight_request(entries, start, end, "quarterly", digests=stored,
                          weeks_to_digest=wanted)
    seen: list[str] = []
    resp = await generate_report(req, embedded, lambda p, s: seen.append(s))

    md = resp.content_markdown
    assert "| Entries | 60 |" in md  # the facts are the API's, for the whole period
    sections = narrative(md)
    acc = sections[ACCOMPLISHMENTS].splitlines()
    assert len(acc) == select.LONG_ACCOMPLISHMENTS
    top = stored[3].highlights[0]
    assert acc[0] == f"- {top.sentence} {cite([Ref(top.title, top.date)])}"
    replaced = stored[5].highlights[0]
    assert acc[1] == f"- You logged Stored item 5. {cite([Ref(replaced.title, replaced.date)])}"
    assert "Meetings took 90%" not in md
    # The other three are the heaviest of the stored highlights and the fresh weeks' entries.
    fresh_best = select.ranked(entries)[:3]
    assert all(any(cite([ref_of(e)]) in line for line in acc[2:]) for e in fresh_best[:2])
    fresh_in_report = sum(any(cite([ref_of(e)]) in line for line in acc) for e in entries)
    # One digest per week the API asked for, with its fingerprint and facts copied back.
    assert [d.week_start for d in resp.new_digests] == fresh_weeks
    for d, w in zip(resp.new_digests, wanted, strict=True):
        assert (d.fingerprint, d.facts) == (w.fingerprint, w.facts)
        week_ids = {e.id for e in by_week(entries)[d.week_start]}
        assert d.highlights and {h.entry_id for h in d.highlights} <= week_ids
        assert all(h.sentence for h in d.highlights)
    # Model jobs only for the fresh weeks' entries that made the list, the time split and
    # the facts' advice; stored highlights and the technical/excellence sections cost none.
    assert not any(s.startswith("summarizing") for s in seen)
    assert "writing Technical Contributions" not in seen
    assert "writing Areas of Excellence" not in seen
    assert resp.model_calls <= 2 * (fresh_in_report + 2)
    assert sections[TECHNICAL].startswith("You spent ") and " h on code (" in sections[TECHNICAL]
    checks = {c.section: c for c in resp.sentence_checks}
    assert checks[ACCOMPLISHMENTS].replaced >= 1   # the stored sentence with the false figure


async def test_digest_only_task_words_the_highlights_and_writes_no_report(embedded):
    entries = week_entries()
    facts = facts_message(entries, date(2024, 3, 4), date(2024, 3, 10))
    req = insight_request(entries, date(2024, 3, 4), date(2024, 3, 10), "weekly",
                          weeks_to_digest=[pb.WeekDigest(week_start="2024-03-04",
                                                         fingerprint="fp-w", facts=facts)])
    req.insight_id = ""
    resp = await generate_report(req, embedded)

    assert resp.content_markdown == "" and resp.title == ""
    [digest] = resp.new_digests
    assert (digest.week_start, digest.fingerprint) == ("2024-03-04", "fp-w")
    assert [h.entry_id for h in digest.highlights] == \
        [e.id for e in select.accomplishments(entries)]
    checks = {s.section: s for s in resp.sentence_checks}
    assert set(checks) == {ACCOMPLISHMENTS}
    assert resp.model_calls <= 2 * len(digest.highlights)
