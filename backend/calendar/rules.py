"""Which entry a calendar event becomes: rules as data, first match wins.

An event becomes a `meeting` (value medium, impact team, as in the spec's
convertCalendarEvent) unless a rule whose `contains` text occurs in its summary
(case-insensitive) says otherwise. A request may send its own rules instead of these.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from backend.db.models import ActivityType, ImpactLevel, ValueRating
from backend.logs.schemas import TagList, check_tags

MAX_RULES = 100
DEFAULT_TYPE = ActivityType.meeting
DEFAULT_VALUE = ValueRating.medium
DEFAULT_IMPACT = ImpactLevel.team


class MappingRule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    contains: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                               max_length=100)] = Field(
        description="Text the event's summary contains (case-insensitive).")
    type: ActivityType
    value_rating: ValueRating | None = None
    impact_level: ImpactLevel | None = None
    tags: TagList = Field(default_factory=list)

    _tags = field_validator("tags")(check_tags)

    def matches(self, summary: str) -> bool:
        return self.contains.casefold() in summary.casefold()


def _rule(contains: str, type_: str, **kw: object) -> MappingRule:
    return MappingRule.model_validate({"contains": contains, "type": type_, **kw})


DEFAULT_RULES: tuple[MappingRule, ...] = (
    _rule("1:1", "mentoring"),
    _rule("1-on-1", "mentoring"),
    _rule("one-on-one", "mentoring"),
    _rule("mentoring", "mentoring"),
    _rule("pairing", "mentoring"),
    _rule("code review", "review"),
    _rule("design review", "review"),
    _rule("pr review", "review"),
    _rule("sprint planning", "planning"),
    _rule("planning", "planning"),
    _rule("refinement", "planning"),
    _rule("grooming", "planning"),
    _rule("training", "learning"),
    _rule("workshop", "learning"),
    _rule("incident", "debug"),
    _rule("deploy", "ops"),
    _rule("release", "ops"),
)


def first_match(rules: tuple[MappingRule, ...] | list[MappingRule],
                summary: str) -> MappingRule | None:
    return next((r for r in rules if r.matches(summary)), None)
