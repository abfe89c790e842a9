"""Code chooses what each section is about; the model only words it.

An entry's weight in a report is value x impact x minutes (the weights of the value-impact
metric, backend/analytics/metrics.py), ties broken by recency, then id, so the choice is
deterministic and explainable: "the three heaviest pieces of work of the week".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from englog.v1 import tasks_pb2 as pb

VALUE_WEIGHTS = {"low": 1, "medium": 2, "high": 3}
IMPACT_WEIGHTS = {"personal": 1, "team": 2, "product": 3, "company": 4}
TECHNICAL_TYPES = ("code", "debug", "docs", "review")

ACCOMPLISHMENTS = 3        # per week
TECHNICAL = 2
LONG_ACCOMPLISHMENTS = 5   # sprint and longer, across every week of the period
LONG_TECHNICAL = 3
HIGHLIGHTS_PER_WEEK = 2    # kept in a week's digest


def score(e: pb.LogEntry) -> float:
    return float(VALUE_WEIGHTS.get(e.value_rating, 1) * IMPACT_WEIGHTS.get(e.impact_level, 1)
                 * max(e.duration_minutes, 0))


def _rank_key(e: pb.LogEntry) -> tuple:
    # Heaviest first; among equals the most recent first (ISO strings in one zone sort by time).
    return (-score(e), _neg(e.start_time), e.id)


def _neg(text: str) -> tuple[int, ...]:
    return tuple(-ord(c) for c in text)


def ranked(entries: Iterable[pb.LogEntry]) -> list[pb.LogEntry]:
    return sorted(entries, key=_rank_key)


def top_high_value(entries: Iterable[pb.LogEntry], n: int = 2) -> list[pb.LogEntry]:
    return [e for e in ranked(entries) if e.value_rating == "high"][:n]


def accomplishments(entries: Sequence[pb.LogEntry], n: int = ACCOMPLISHMENTS,
                    must: int = 2) -> list[pb.LogEntry]:
    """The n heaviest entries, plus the `must` heaviest high-value ones if they are not among
    them: a period's most valuable work belongs among its accomplishments even when long
    meetings outweigh it."""
    chosen = ranked(entries)[:n]
    chosen += [e for e in top_high_value(entries, must) if e not in chosen]
    return ranked(chosen)


def technical(entries: Sequence[pb.LogEntry], exclude: Sequence[pb.LogEntry],
              n: int = TECHNICAL) -> list[pb.LogEntry]:
    taken = {e.id for e in exclude}
    return [e for e in ranked(entries)
            if e.type in TECHNICAL_TYPES and e.id not in taken][:n]


def distinct_work(entries: Sequence[pb.LogEntry]) -> list[pb.LogEntry]:
    """One entry per title (its heaviest): a daily standup is one piece of work, not five."""
    seen: set[str] = set()
    out = []
    for e in ranked(entries):
        key = e.title.strip().lower()
        if key not in seen:
            seen.add(key)
            out.append(e)
    return out
