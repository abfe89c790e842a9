"""The 9 productivity metrics, named and (where the spec has code for them) defined as in
the product spec's ProductivityMetrics / AnalyticsEngine. docs/SPEC_DIFFERENCES.md lists
where and why ours differ.

All minutes are entry durations (duration_minutes) of entries whose start_time lies in the
period; days and hours are read in the user's timezone, by entry start. "total" is the
total minutes of the period. For an empty period every metric is 0, except
peak_productivity_hour and most_productive_day, which are null. Rounding is half-up.
Percentages are 0..100.

1. average_daily_hours: total hours / active days (local days with at least one entry);
   0 if there are none. 2 decimals. (spec: calculateAverageDailyHours)
2. peak_productivity_hour: hour of day 0-23 with the most minutes; ties go to the earliest
   hour; null if there are no entries. (spec: findPeakProductivityHour)
3. most_productive_day: weekday name (Monday..Sunday) with the most minutes; ties go to
   the earliest day of the week (Monday first); null if there are no entries. (ours: the
   spec names it without code)
4. activity_efficiency_score: 100 x minutes of code, debug and docs entries / total.
   1 decimal. (spec: calculateEfficiencyScore)
5. focus_time_percentage: 100 x minutes of entries of type code, debug, docs, planning or
   learning that last at least 60 minutes / total. 1 decimal. (ours: no spec code)
6. collaboration_ratio: (meeting + mentoring + review minutes) / total, 0..1. 3 decimals.
   (ours: no spec code)
7. high_value_percentage: 100 x high-value minutes / total. 1 decimal.
   (spec: calculateHighValuePercentage)
8. company_impact_ratio: 100 x (company + product impact minutes) / total, a percentage
   as in the spec. 1 decimal. (spec: calculateCompanyImpactRatio)
9. value_impact_score: 100 x sum(minutes x v x i) / (total x 12), with value weights
   low 1, medium 2, high 3 and impact weights personal 1, team 2, product 3, company 4
   (12 = the highest v x i, so the score is 0..100). 1 decimal. The spec's weights, but
   weighted by minutes where the spec averages per entry: like every other metric here it
   measures time, and splitting one activity into many short entries cannot move it.

The SQL in queries.py produces the sums; this module only divides and rounds, so the
report engineer and the API share one implementation.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

EFFICIENT_TYPES = ("code", "debug", "docs")
FOCUS_TYPES = ("code", "debug", "docs", "planning", "learning")
FOCUS_MIN_MINUTES = 60
COLLAB_TYPES = ("meeting", "mentoring", "review")
VALUE_WEIGHTS = {"low": 1, "medium": 2, "high": 3}
IMPACT_WEIGHTS = {"personal": 1, "team": 2, "product": 3, "company": 4}
MAX_VALUE_IMPACT = 12
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def ratio(num: int | float | Decimal, den: int | float | Decimal, places: int,
          scale: int = 1) -> float:
    """scale x num / den rounded half-up to `places` decimals; 0 when den is 0."""
    if not den:
        return 0.0
    q = Decimal(10) ** -places
    value = Decimal(scale) * Decimal(num) / Decimal(den)
    return float(value.quantize(q, rounding=ROUND_HALF_UP))


def pct(num: int | float, den: int | float) -> float:
    return ratio(num, den, 1, 100)


def _argmax(minutes_by_key: dict[int, int]) -> int | None:
    # Ties go to the smallest key: sort by (-minutes, key).
    present = [(-m, k) for k, m in minutes_by_key.items() if m > 0]
    return min(present)[1] if present else None


def compute_metrics(
    *,
    total_minutes: int,
    active_days: int,
    by_type: dict[str, int],
    by_value: dict[str, int],
    by_impact: dict[str, int],
    by_hour: dict[int, int],
    by_isodow: dict[int, int],
    focus_minutes: int,
    value_impact_sum: int,
) -> dict[str, Any]:
    """The 9 metrics from aggregates (by_isodow: 1 = Monday .. 7 = Sunday)."""
    t = total_minutes
    dow = _argmax(by_isodow)
    return {
        "average_daily_hours": ratio(t, active_days * 60, 2),
        "peak_productivity_hour": _argmax(by_hour),
        "most_productive_day": WEEKDAYS[dow - 1] if dow else None,
        "activity_efficiency_score": pct(sum(by_type.get(k, 0) for k in EFFICIENT_TYPES), t),
        "focus_time_percentage": pct(focus_minutes, t),
        "collaboration_ratio": ratio(sum(by_type.get(k, 0) for k in COLLAB_TYPES), t, 3),
        "high_value_percentage": pct(by_value.get("high", 0), t),
        "company_impact_ratio": pct(by_impact.get("company", 0) + by_impact.get("product", 0),
                                    t),
        "value_impact_score": ratio(value_impact_sum, t * MAX_VALUE_IMPACT, 1, 100),
    }
