"""Faithfulness suite (issue 8): weekly reports of the fixture weeks with the REAL embedded
model, re-checked sentence by sentence on the final Markdown.

For each week: no invented figure, no unsupported sentence, every accomplishment cites a real
entry of the week, and the week's top two entries by value x impact x minutes are among the
accomplishments. The rates table is printed (run with -s to see it) and written next to the
test's temporary files.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.support.faithfulness import WeekResult, measure, table, weekly_request
from tests.support.report_weeks import load_weeks
from worker.reports import generate_report

WEEKS = load_weeks()
RESULTS: list[WeekResult] = []


@pytest.fixture(scope="module", autouse=True)
def _rates_table(tmp_path_factory):
    yield
    if RESULTS:
        text = table(RESULTS)
        print("\n" + text)
        (Path(tmp_path_factory.mktemp("faithfulness")) / "rates.md").write_text(text + "\n")


def test_the_suite_covers_the_shapes_the_issue_names():
    names = {w.name for w in WEEKS}
    assert {"incident_heavy", "meetings_only", "mentoring", "one_entry", "non_english",
            "numbers_in_titles", "issue_week"} <= names
    assert len(WEEKS) >= 8


@pytest.mark.parametrize("week", WEEKS, ids=[w.name for w in WEEKS])
async def test_weekly_report_is_faithful(week, embedded):
    started = time.perf_counter()
    resp = await generate_report(weekly_request(week), embedded)
    result = measure(week, resp)
    result.seconds = time.perf_counter() - started
    RESULTS.append(result)

    assert result.sentences > 0
    assert result.invented_figures == []
    assert result.unsupported == []
    assert result.accomplishments, "no accomplishments"
    for line in result.accomplishments:
        assert line.refs and not line.unresolved and line.cited, \
            f"accomplishment without a real citation: {line.sentence!r} {line.refs}"
    assert result.missing_top == [], f"top entries missing: {result.missing_top}"
    # The counts cover every model job: each sentence was kept, regenerated or replaced.
    assert result.kept + result.regenerated + result.replaced >= len(result.accomplishments)
    assert resp.model_calls >= result.kept + result.regenerated + result.replaced
    # The week's digest comes back with the accomplishments as highlights.
    [digest] = resp.new_digests
    assert digest.week_start == week.start.isoformat()
    assert {h.entry_id for h in digest.highlights} >= set(week.expect_top)
