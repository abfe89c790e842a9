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
