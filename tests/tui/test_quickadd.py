"""The quick-add parser: one line to an entry's fields."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tui.quickadd import parse, parse_clock, parse_duration

NOW = datetime(2025, 3, 13, 16, 7, 31, tzinfo=ZoneInfo("Europe/Berlin"))


def test_full_example():
    q = parse('1h30 code "Fix token refresh race" @auth-modernization #bug-fix #p1-high '
              "value:high impact:product", NOW)
    assert q.ok, q.errors
    assert q.minutes == 90
    assert q.type == "code"
    assert q.title == "Fix token refresh race"
    assert q.project == "auth-modernization"
    assert q.tags == ["bug-fix", "p1-high"]
    assert (q.value_rating, q.impact_level) == ("high", "product")
    # Without `at`, the entry ends now (to the minute).
    assert q.end_time == NOW.replace(second=0, microsecond=0)
    assert q.end_time - q.start_time == timedelta(minutes=90)
    body = q.body("p-1")
    assert body["project_id"] == "p-1"
    assert body["start_time"] == "2025-03-13T14:37:00+01:00"


@pytest.mark.parametrize("text,minutes", [
    ("45m", 45), ("2h", 120), ("1h30", 90), ("1h30m", 90), ("1.5h", 90), ("90min", 90),
    ("0h05", 5), ("abc", None), ("1h75", None), ("h", None),
])
def test_durations(text, minutes):
    assert parse_duration(text) == minutes


@pytest.mark.parametrize("text,expected", [
    ("14:00", (14, 0)), ("9", (9, 0)), ("9:30", (9, 30)), ("2pm", (14, 0)), ("12am", (0, 0)),
    ("25:00", None), ("13pm", None), ("noon", None),
])
def test_clock(text, expected):
    t = parse_clock(text)
    assert (t.hour, t.minute) == expected if expected else t is None


def test_at_and_yesterday_with_bare_title():
    q = parse("45m meeting standup with platform team yesterday at 9:30 #sync", NOW)
    assert q.ok, q.errors
    assert q.title == "standup with platform team"
    assert q.start_time == datetime(2025, 3, 12, 9, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    assert q.end_time == datetime(2025, 3, 12, 10, 15, tzinfo=ZoneInfo("Europe/Berlin"))
    assert q.tags == ["sync"]


def test_order_free_aliases_and_default_type():
    q = parse("#ops-review 'Rotate certs' 2h v:low i:team", NOW, default_type="ops")
    assert q.ok, q.errors
    assert (q.title, q.type, q.minutes) == ("Rotate certs", "ops", 120)
    assert (q.value_rating, q.impact_level) == ("low", "team")
    assert parse("1h coding x", NOW).type == "code"


def test_only_first_duration_and_type_are_taken():
    q = parse("30m review code 2h", NOW)
    assert (q.minutes, q.type, q.title) == (30, "review", "code 2h")


@pytest.mark.parametrize("line,error", [
    ("code fix it", "duration"),
    ("1h code", "title"),
    ("1h fix it", "type"),
    ("1h code x value:huge", "value must be"),
    ("1h code x impact:world", "impact must be"),
    ("1h code x at 25:00", "cannot read the time"),
    ("25h code x", "between 1 minute and 24 hours"),
])
def test_errors_are_reported(line, error):
    q = parse(line, NOW)
    assert not q.ok
    assert any(error in e for e in q.errors), q.errors


def test_unclosed_quote_is_read_to_the_end_for_live_preview():
    q = parse('1h code "Half typed tit', NOW)
    assert q.title == "Half typed tit"


# -- @project against the user's projects (issue 12, bug 3) ---------------------------------
PROJECTS = [
    {"id": "p-auth", "name": "Auth Modernization", "status": "active"},
    {"id": "p-bill", "name": "billing", "status": "active"},
    {"id": "p-old", "name": "Data_Lake", "status": "completed"},
]


@pytest.mark.parametrize("written,project_id,name", [
    ("@auth-modernization", "p-auth", "Auth Modernization"),  # the help's own example
    ("@AUTH_modernization", "p-auth", "Auth Modernization"),
    ('@"Auth Modernization"', "p-auth", "Auth Modernization"),
    ("@'auth  modernization'", "p-auth", "Auth Modernization"),
    ("@Billing", "p-bill", "billing"),
    ("@data-lake", "p-old", "Data_Lake"),
])
def test_project_names_match_loosely(written, project_id, name):
    q = parse(f'1h code "Fix refresh race" {written} #bug-fix', NOW, projects=PROJECTS)
    assert q.ok, q.errors
    assert (q.project_id, q.project, q.unknown_project) == (project_id, name, None)
    assert q.body()["project_id"] == project_id
    # The quoted project name is not part of the title, and nothing else moved.
    assert (q.title, q.tags, q.minutes) == ("Fix refresh race", ["bug-fix"], 60)


def test_quoted_project_does_not_swallow_the_title():
    q = parse('@"Auth Modernization" 45m review PR 812', NOW, projects=PROJECTS)
    assert q.ok, q.errors
    assert (q.project, q.title, q.type) == ("Auth Modernization", "PR 812", "review")


def test_unknown_project_is_reported_for_the_ui_to_offer_creating_it():
    q = parse('1h code fix @"Mobile App"', NOW, projects=PROJECTS)
    assert not q.ok
    assert q.unknown_project == "Mobile App"
    assert q.project_id is None
    assert any("no project named “Mobile App”" in e for e in q.errors)


def test_names_differing_only_in_spelling_prefer_the_exact_one_then_the_active_one():
    twins = [{"id": "a", "name": "auth-modernization", "status": "active"},
             {"id": "b", "name": "Auth Modernization", "status": "active"}]
    assert parse("1h code x @auth-modernization", NOW, projects=twins).project_id == "a"
    assert parse('1h code x @"Auth Modernization"', NOW, projects=twins).project_id == "b"
    assert parse("1h code x @AUTH-MODERNIZATION", NOW, projects=twins).project_id == "a"
    q = parse("1h code x @auth_modernization", NOW, projects=twins)
    assert not q.ok and q.project_id is None and q.unknown_project is None
    assert any("matches several projects" in e for e in q.errors)
    archived = [{"id": "old", "name": "Billing Ops", "status": "completed"},
                {"id": "new", "name": "billing-ops", "status": "active"}]
    assert parse("1h code x @BILLING_OPS", NOW, projects=archived).project_id == "new"


def test_without_a_project_list_the_name_stays_as_typed():
    q = parse("1h code x @whatever", NOW)
    assert q.ok and (q.project, q.project_id) == ("whatever", None)


# -- the user's defaults (issue 12, bug 5) ---------------------------------------------------
PREFS = {"default_activity_type": "debug", "default_value_rating": "high",
         "default_impact_level": "team"}


def test_preview_shows_the_users_defaults_but_the_body_leaves_them_to_the_server():
    q = parse("45m Chase flaky test", NOW, defaults=PREFS)
    assert q.ok, q.errors
    assert q.type == "debug"
    assert (q.value_shown, q.impact_shown) == ("high", "team")
    body = q.body()
    assert "value_rating" not in body and "impact_level" not in body


def test_typed_values_win_over_the_defaults():
    q = parse("45m code x value:low impact:company", NOW, defaults=PREFS)
    assert (q.value_shown, q.impact_shown) == ("low", "company")
    assert (q.body()["value_rating"], q.body()["impact_level"]) == ("low", "company")
