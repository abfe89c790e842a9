"""The figure check on hand-written sentences: what is allowed, what is dropped, and why."""

from __future__ import annotations

from worker.reports.figures import allowed_figures, check_text, numbers_in, unsupported

FACTS = {
    "period": {"start": "2024-03-04", "end": "2024-03-10", "days": 7},
    "totals": {"entries": 15, "minutes": 1350, "hours": 22.5, "active_days": 5},
    "by_type": {"code": 750, "review": 75},
    "metrics": {"peak_productivity_hour": 14, "collaboration_ratio": 0.375,
                "focus_time_percentage": 80.0, "value_impact_score": 64.2},
    "counts": {"mentoring": 1, "review": 2},
    "top_high_value": [{"title": "Upgrade to Python 3.12", "duration_minutes": 90}],
}


def allowed():
    return allowed_figures(FACTS)


def test_numbers_are_read_the_way_people_write_them():
    assert numbers_in("1,250 entries in 37.5% of 1.50 h at 14:00") == ["1250", "37.5", "1.5",
                                                                       "14"]
    assert numbers_in("shipped v2 of the Q3 roadmap, H264 codec") == []
    assert numbers_in("14:30") == ["14", "30"]


def test_figures_from_the_facts_and_their_renderings_pass():
    a = allowed()
    for sentence in [
        "You logged 22.5 hours across 15 entries.",
        "That is 1,350 minutes over 5 active days.",
        "Code took 12.5 hours and reviews 75 minutes.",  # 750 min -> 12.5 h
        "Collaboration was 37.5% of your time.",  # ratio 0.375 -> percent
        "Your peak hour was 14:00, or 2 PM.",
        "Focus time reached 80%, with a score of 64.2.",
        "The Python 3.12 upgrade took 1.5 hours.",  # 90 min in a top entry
        "The week ran from 2024-03-04 to 2024-03-10.",
        "You mentored once and did 2 reviews.",
        "Value impact was about 64.",  # rounding of 64.2
    ]:
        assert unsupported(sentence, a) == [], sentence


def test_invented_figures_are_flagged():
    a = allowed()
    assert unsupported("You closed 42 tickets.", a) == ["42"]
    assert unsupported("Focus rose by 12.3%.", a) == ["12.3"]
    assert unsupported("You logged 24 hours.", a) == ["24"]
    assert unsupported("The duration was 9000 minutes.", a) == ["9000"]


def test_rounding_is_half_up_to_the_stated_precision():
    a = allowed_figures({"totals": {"hours": 22.46}})
    assert unsupported("About 22.5 hours.", a) == []
    assert unsupported("About 22 hours.", a) == []
    assert unsupported("About 22.4 hours.", a) == ["22.4"]


def test_check_text_drops_only_the_offending_sentences_and_counts_them():
    text = ("You logged 22.5 hours. You fixed 37 bugs!\n"
            "1. Reviews took 75 minutes. They covered 9000 lines.\n"
            "- Great focus this week.\n\n"
            "Next week, aim for 99% focus.")
    result = check_text(text, allowed())
    assert result.dropped == ["You fixed 37 bugs!", "They covered 9000 lines.",
                              "Next week, aim for 99% focus."]
    assert result.kept == 3
    assert result.text == ("You logged 22.5 hours.\n- Reviews took 75 minutes.\n"
                           "- Great focus this week.")


def test_list_numbering_is_layout_not_a_figure():
    result = check_text("1. Shipped the export.\n2. Fixed the webhook race.", allowed_figures({}))
    assert result.dropped == []
    assert result.text == "- Shipped the export.\n- Fixed the webhook race."
