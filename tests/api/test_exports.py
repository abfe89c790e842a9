"""GET /v1/export/csv|json|pdf against the real API and database: the CSV read back with the
csv module agrees with the dashboard, the JSON takes GET /v1/logs's filters, the PDF's text
(pypdf) holds the period's figures, titles and the report's narrative, and nobody exports
anyone else's data."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader

from tests.support.rows import add_entry
from tests.support.users import ApiUser, register

WEEK = {"period_start": "2026-11-02", "period_end": "2026-11-08"}
UNICODE_TITLE = "Überprüfung der Zeitzonen — Ревью кода ✓ → Ωμέγα"
COLUMNS = ["id", "date", "start_time", "end_time", "duration_minutes", "type", "title",
           "description", "project", "tags", "value_rating", "impact_level"]


def _entry(day: int, hour: int, minutes: int, title: str, type_: str = "code", **kw) -> dict:
    start = datetime(2026, 11, day, hour, 0, tzinfo=UTC)
    return {"title": title, "type": type_, "start_time": start.isoformat(),
            "end_time": (start + timedelta(minutes=minutes)).isoformat(), **kw}


async def _seed_week(user: ApiUser) -> dict:
    project = (await user.post("/v1/projects", json={"name": "=Auth rewrite"})).json()
    entries = [
        _entry(2, 9, 90, "Fix the token refresh race", project_id=project["id"],
               tags=["bug-fix", "backend"], value_rating="high", impact_level="product",
               description='Said "done", then, on reflection,\nnot quite'),
        _entry(3, 10, 30, "=HYPERLINK(\"http://evil.example\",\"click\")", "meeting"),
        _entry(4, 14, 45, "+1 for the plan", "review"),
        _entry(5, 8, 60, "-rf the old build dir", "ops"),
        _entry(6, 16, 25, "@channel release notes", "docs"),
        _entry(7, 11, 120, UNICODE_TITLE, "debug", value_rating="high",
               impact_level="company"),
        # Outside the week: must not be exported.
        _entry(9, 9, 15, "Next week's standup", "meeting"),
    ]
    r = await user.post("/v1/logs/bulk", json={"entries": entries})
    assert r.status_code == 201, r.text
    return {"project": project, "entries": r.json()["items"]}


def _csv(text: str) -> list[dict[str, str]]:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == COLUMNS
    return [dict(zip(COLUMNS, r, strict=True)) for r in rows[1:]]


async def test_csv_is_rfc4180_guarded_and_sums_like_the_dashboard(alice: ApiUser):
    seeded = await _seed_week(alice)
    r = await alice.get("/v1/export/csv", params=WEEK)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/csv; charset=utf-8")
    assert "attachment" in r.headers["content-disposition"]
    assert r.headers.get("transfer-encoding") == "chunked"  # streamed, no Content-Length
    assert "\r\n" in r.text and r.text.endswith("\r\n")
    rows = _csv(r.content.decode("utf-8"))
    assert len(rows) == 6
    dash = (await alice.get("/v1/analytics/dashboard", params={
        "start_date": WEEK["period_start"], "end_date": WEEK["period_end"]})).json()
    assert sum(int(x["duration_minutes"]) for x in rows) == dash["totals"]["minutes"] == 370
    for type_, minutes in dash["by_type"].items():
        assert sum(int(x["duration_minutes"]) for x in rows if x["type"] == type_) == minutes
    by_title = {x["title"]: x for x in rows}
    # Formula injection: a leading =, +, - or @ is neutralised with an apostrophe.
    assert "'=HYPERLINK(\"http://evil.example\",\"click\")" in by_title
    assert {"'+1 for the plan", "'-rf the old build dir", "'@channel release notes"} \
        <= set(by_title)
    fix = by_title["Fix the token refresh race"]
    assert fix["project"] == "'=Auth rewrite"
    assert fix["tags"] == "backend;bug-fix"
    assert fix["description"] == 'Said "done", then, on reflection,\nnot quite'
    assert (fix["date"], fix["start_time"], fix["end_time"]) == (
        "2026-11-02", "2026-11-02T09:00:00+00:00", "2026-11-02T10:30:00+00:00")
    assert fix["id"] == next(e["id"] for e in seeded["entries"] if e["title"] == fix["title"])
    assert UNICODE_TITLE in by_title
    assert "Next week's standup" not in by_title


async def test_csv_dates_and_times_are_the_users_local_ones(client):
    tokyo = await register(client, timezone="Asia/Tokyo")
    # 23:30 UTC on 1 Nov is 08:30 on 2 Nov in Tokyo: in the week, on the 2nd.
    r = await tokyo.post("/v1/logs", json={
        "title": "Early sync", "type": "meeting", "start_time": "2026-11-01T23:30:00Z",
        "end_time": "2026-11-02T00:00:00Z"})
    assert r.status_code == 201
    rows = _csv((await tokyo.get("/v1/export/csv", params=WEEK)).text)
    assert [(x["date"], x["start_time"]) for x in rows] == [
        ("2026-11-02", "2026-11-02T08:30:00+09:00")]


async def test_csv_without_a_period_exports_everything_and_validates_its_query(alice):
    await _seed_week(alice)
    rows = _csv((await alice.get("/v1/export/csv")).text)
    assert len(rows) == 7
    bad = await alice.get("/v1/export/csv", params={"period_start": "2026-11-08",
                                                    "period_end": "2026-11-01"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "period_end"
    assert (await alice.get("/v1/export/csv", params={"limit": "5"})).status_code == 422
    assert (await alice.get("/v1/export/csv", params={"period_start": "soon"})).status_code \
        == 422
    assert (await alice.client.get("/v1/export/csv")).status_code == 401


async def test_csv_streams_many_batches_in_order(alice: ApiUser, db):
    # More rows than one keyset batch (1,000), several with the same start time.
    start = datetime(2026, 3, 2, 9, tzinfo=UTC)
    await db.execute(
        "INSERT INTO log_entries (user_id, title, type, start_time, end_time) "
        "SELECT $1::uuid, 'bulk ' || g, 'code', $2::timestamptz + (g / 3) * interval '1 hour', "
        "$2::timestamptz + (g / 3) * interval '1 hour' + interval '20 minutes' "
        "FROM generate_series(1, 2500) g", alice.id, start)
    rows = _csv((await alice.get("/v1/export/csv")).text)
    assert len(rows) == 2500 and len({x["id"] for x in rows}) == 2500
    assert [x["start_time"] for x in rows] == sorted(x["start_time"] for x in rows)


async def test_json_export_takes_the_logs_filters(alice: ApiUser):
    seeded = await _seed_week(alice)
    r = await alice.get("/v1/export/json", params=WEEK)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/json")
    doc = r.json()
    assert set(doc) == {"format_version", "exported_at", "timezone", "period", "filters",
                        "projects", "tags", "entries"}
    assert len(doc["entries"]) == 6
    assert [e["start_time"] for e in doc["entries"]] == sorted(
        e["start_time"] for e in doc["entries"])
    logs = (await alice.get("/v1/logs", params={"start_date": "2026-11-02",
                                                 "end_date": "2026-11-08"})).json()
    assert {e["id"]: e for e in doc["entries"]} == {e["id"]: e for e in logs["items"]}
    assert [p["name"] for p in doc["projects"]] == ["=Auth rewrite"]
    assert {"bug-fix", "backend"} <= {t["name"] for t in doc["tags"]}

    async def ids(**params) -> set[str]:
        got = await alice.get("/v1/export/json", params={**WEEK, **params})
        assert got.status_code == 200, got.text
        return {e["title"] for e in got.json()["entries"]}

    assert await ids(type="meeting,review") == {'=HYPERLINK("http://evil.example","click")',
                                                "+1 for the plan"}
    assert await ids(tags="bug-fix") == {"Fix the token refresh race"}
    assert await ids(project_id=seeded["project"]["id"]) == {"Fix the token refresh race"}
    assert await ids(value_rating="high", impact_level="company") == {UNICODE_TITLE}
    assert await ids(q="ревью") == {UNICODE_TITLE}
    filtered = (await alice.get("/v1/export/json", params={**WEEK, "type": "ops"})).json()
    assert filtered["filters"] == {"type": ["ops"]}
    assert (await alice.get("/v1/export/json", params={"type": "naps"})).status_code == 422


async def test_exports_are_isolated(alice: ApiUser, bob: ApiUser):
    seeded = await _seed_week(alice)
    assert _csv((await bob.get("/v1/export/csv", params=WEEK)).text) == []
    theirs = (await bob.get("/v1/export/json", params={
        **WEEK, "project_id": seeded["project"]["id"]})).json()
    assert theirs["entries"] == [] and theirs["projects"] == []
    everything = (await bob.get("/v1/export/json")).json()
    assert everything["entries"] == []
    assert "bug-fix" not in {t["name"] for t in everything["tags"] if not t["is_predefined"]}
    pdf = await bob.get("/v1/export/pdf", params=WEEK)
    assert pdf.status_code == 200
    text = _pdf_text(pdf.content)
    assert "Fix the token refresh race" not in text and "0 h" in text


# --- PDF -----------------------------------------------------------------------------------

def _pdf_text(content: bytes) -> str:
    """All pages' text, whitespace collapsed: table cells wrap long titles over lines."""
    return " ".join(" ".join(p.extract_text().split())
                    for p in PdfReader(io.BytesIO(content)).pages)


def _pages(content: bytes) -> list[str]:
    return [p.extract_text() for p in PdfReader(io.BytesIO(content)).pages]


REPORT_MD = """# Weekly report, 2026-11-02 to 2026-11-08

## Summary

| Measure | Value |
| --- | --- |
| Entries | 6 |

## Key Accomplishments

- This week the engineer fixed the token refresh race. *(Fix the token refresh race, Mon 2 Nov)*
- Reviewed the timezone work. *(Überprüfung der Zeitzonen, Sat 7 Nov)*

## Recommendations

- Keep the **debugging** sessions short. *(Überprüfung der Zeitzonen, Sat 7 Nov)*

---
_Narrative worded by the embedded model and checked against your log._
"""


async def _report(db, user: ApiUser, start: str, end: str, status: str = "completed",
                  title: str = "Weekly report, 2 to 8 November",
                  completed_at: datetime | None = None) -> str:
    return str(await db.fetchval(
        "INSERT INTO generated_insights (user_id, report_type, period_start, period_end, "
        "status, title, content, model, metadata, completed_at) VALUES ($1::uuid, 'weekly', "
        "$2::date, $3::date, $4, $5, $6, 'SmolLM2-135M-Instruct', '{\"backend\": \"embedded\"}',"
        " $7) RETURNING id", user.id, datetime.fromisoformat(start).date(),
        datetime.fromisoformat(end).date(), status, title, REPORT_MD,
        completed_at or datetime.now(UTC)))


async def test_pdf_has_the_facts_the_titles_and_the_reports_narrative(alice: ApiUser, db):
    await _seed_week(alice)
    older = await _report(db, alice, "2026-11-02", "2026-11-08", title="An older report",
                          completed_at=datetime(2026, 11, 9, tzinfo=UTC))
    await _report(db, alice, "2026-11-02", "2026-11-08", title="The newest report")
    r = await alice.get("/v1/export/pdf", params=WEEK)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    assert r.content.startswith(b"%PDF-")
    pages = _pages(r.content)
    text = _pdf_text(r.content)
    cover = pages[0]
    assert "Performance review" in cover and alice.email in cover
    assert "2 November 2026 – 8 November 2026" in cover
    dash = (await alice.get("/v1/analytics/dashboard", params={
        "start_date": WEEK["period_start"], "end_date": WEEK["period_end"]})).json()
    assert dash["totals"]["hours"] == 6.17
    assert "6.17 h (370 min)" in cover
    for title in ("Fix the token refresh race", "+1 for the plan", UNICODE_TITLE):
        assert title in text, title
    assert "Next week's standup" not in text
    # Facts: time by type/project/value/impact tables and the 9 metrics from the dashboard.
    for heading in ("Time by type", "Time by project", "Time by value", "Time by impact",
                    "Productivity metrics", "=Auth rewrite"):
        assert heading in text
    metrics = dash["metrics"]
    assert f"{metrics['high_value_percentage']}%" in text
    assert f"{metrics['peak_productivity_hour']:02d}:00" in text
    # The newest completed report's narrative, citations included; not its Summary table.
    assert "The newest report" in text and "An older report" not in text
    assert "This week the engineer fixed the token refresh race." in text
    assert "(Fix the token refresh race, Mon 2 Nov)" in text
    assert "(Überprüfung der Zeitzonen, Sat 7 Nov)" in text
    assert "| Measure |" not in text
    # A chosen report is exported instead of the newest one.
    chosen = await alice.get("/v1/export/pdf", params={"report_id": older})
    assert chosen.status_code == 200, chosen.text
    chosen_text = _pdf_text(chosen.content)
    assert "An older report" in chosen_text and "6.17 h" in chosen_text


async def test_pdf_of_a_long_period_repeats_the_table_header_on_every_page(alice, db):
    start = datetime(2026, 1, 5, 9, tzinfo=UTC)
    for i in range(260):
        await add_entry(db, alice.id, start + timedelta(days=i, hours=i % 5), 45 + i % 4 * 15,
                        ("code", "meeting", "review", "debug")[i % 4],
                        title=f"Year entry {i:03d} " + ("ünïcödé ✓" if i % 10 == 0 else ""))
    r = await alice.get("/v1/export/pdf", params={"period_start": "2026-01-01",
                                                  "period_end": "2026-12-31"})
    assert r.status_code == 200, r.text
    pages = _pages(r.content)
    first = next(i for i, p in enumerate(pages) if "Appendix: entries (260)" in p)
    appendix = pages[first:]
    assert len(appendix) >= 3
    for page in appendix:
        for column in ("Date", "Time", "Min", "Type", "Title", "Project", "Value", "Impact"):
            assert column in page
    text = " ".join(" ".join(p.split()) for p in appendix)
    for i in (0, 129, 259):
        assert f"Year entry {i:03d}" in text
    assert "ünïcödé ✓" in text
    assert f"of {len(pages)}" in pages[-1]


async def test_pdf_without_a_report_says_so_and_validates(alice: ApiUser, db):
    await _seed_week(alice)
    r = await alice.get("/v1/export/pdf", params=WEEK)
    assert "No completed report covers exactly this period" in _pdf_text(r.content)
    missing = await alice.get("/v1/export/pdf", params={"period_start": "2026-11-02"})
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "period_end"
    assert (await alice.get("/v1/export/pdf")).status_code == 422
    too_long = await alice.get("/v1/export/pdf", params={"period_start": "2000-01-01",
                                                         "period_end": "2026-01-01"})
    assert too_long.status_code == 422
    queued = await _report(db, alice, "2026-11-02", "2026-11-08", status="running")
    r = await alice.get("/v1/export/pdf", params={"report_id": queued})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "report_id"
    done = await _report(db, alice, "2026-11-02", "2026-11-08")
    other = await alice.get("/v1/export/pdf", params={"report_id": done,
                                                      "period_start": "2026-11-01",
                                                      "period_end": "2026-11-30"})
    assert other.status_code == 422 and other.json()["errors"][0]["field"] == "report_id"
    assert (await alice.get("/v1/export/pdf", params={"report_id": str(uuid.uuid4())})
            ).status_code == 404


async def test_bob_cannot_export_alices_report(alice: ApiUser, bob: ApiUser, db):
    await _seed_week(alice)
    report = await _report(db, alice, "2026-11-02", "2026-11-08")
    r = await bob.get("/v1/export/pdf", params={"report_id": report})
    assert r.status_code == 404
    # Nor does alice's report appear in bob's PDF of the same period.
    text = _pdf_text((await bob.get("/v1/export/pdf", params=WEEK)).content)
    assert "This week the engineer" not in text
    assert "No completed report covers exactly this period" in text


@pytest.mark.parametrize("title", ["Bell\x07 and backspace\x08", "Tab\tseparated"])
async def test_pdf_survives_control_characters_in_titles(alice: ApiUser, db, title: str):
    await add_entry(db, alice.id, datetime(2026, 11, 3, 9, tzinfo=UTC), 30, "code", title=title)
    r = await alice.get("/v1/export/pdf", params=WEEK)
    assert r.status_code == 200
    assert title.split()[0].strip("\x07\x08") in _pdf_text(r.content)


async def test_pdf_marks_characters_the_font_lacks(alice: ApiUser, db):
    await add_entry(db, alice.id, datetime(2026, 11, 3, 9, tzinfo=UTC), 30, "code",
                    title="Ship 完了 today")
    text = _pdf_text((await alice.get("/v1/export/pdf", params=WEEK)).content)
    assert "Ship □□ today" in text
