"""The figure check: a narrative sentence may state only numbers that the facts contain.

The allowed set holds every number in the facts JSON and in the code-rendered facts section,
plus the renderings a writer would naturally use for them: minutes as hours, ratios as
percentages, a 24-hour peak hour on a 12-hour clock, and any value rounded to 0-2 decimals.
Numbers inside entry titles/descriptions (ticket ids, versions) are data the API sent, so they
are allowed too. Number words ("three") are not checked; the small models state digits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

# A number not glued to a word on its left (so "v2", "Q3", "H264" are identifiers, not
# figures); "1,250" is one number; "14:00" is an hour.
NUMBER_RE = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?::(\d{2}))?")
SENTENCE_RE = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=\S)")
LIST_MARKER_RE = re.compile(r"^\s*(?:[-*•+]|\d{1,2}[.)])\s+")


def _canon(value: Decimal | float | str, places: int | None = None) -> str:
    d = value if isinstance(value, Decimal) else Decimal(str(value))
    if places is not None:
        d = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = format(d.normalize(), "f")
    return text


def numbers_in(text: str) -> list[str]:
    """Numbers stated in text, as canonical strings ("1,250" -> "1250", "1.50" -> "1.5")."""
    found = []
    for m in NUMBER_RE.finditer(text):
        whole, frac, minutes = m.group(1).replace(",", ""), m.group(2), m.group(3)
        raw = f"{whole}.{frac}" if frac else whole
        try:
            found.append(_canon(Decimal(raw)))
        except InvalidOperation:
            continue
        if minutes and minutes != "00":
            found.append(_canon(Decimal(minutes)))
    return found


@dataclass
class AllowedFigures:
    values: set[str] = field(default_factory=set)

    def add(self, value: float | int | Decimal) -> None:
        try:
            d = Decimal(str(value))
        except InvalidOperation:
            return
        if not d.is_finite():
            return
        d = abs(d)
        self.values.add(_canon(d))
        for places in (0, 1, 2):
            self.values.add(_canon(d, places))

    def add_text(self, text: str) -> None:
        for n in numbers_in(text):
            self.add(Decimal(n))

    def allows(self, stated: str) -> bool:
        return stated in self.values


def _walk(node: Any, key: str, allowed: AllowedFigures) -> None:
    if isinstance(node, dict):
        for k, v in node.items():
            # Distributions (by_type: {"code": 750}) are minutes under a name that says so
            # only on the parent.
            child = f"{key}.{k}" if key.startswith("by_") else str(k)
            if key.startswith("by_") and isinstance(v, int | float) and k not in _NOT_MINUTES:
                child = f"{key}.minutes"
            _walk(v, child, allowed)
        allowed.add(len(node))
    elif isinstance(node, list):
        for item in node:
            _walk(item, key, allowed)
        allowed.add(len(node))
    elif isinstance(node, bool) or node is None:
        return
    elif isinstance(node, int | float):
        _add_number(node, key.lower(), allowed)
    elif isinstance(node, str):
        allowed.add_text(node)


_NOT_MINUTES = ("entries", "count", "pct", "percentage", "share_pct", "hours")
_RATIO = re.compile(r"(?:^|[._])ratio(?:$|[._])")


def _add_number(value: float, key: str, allowed: AllowedFigures) -> None:
    allowed.add(value)
    if "minute" in key:
        allowed.add(value / 60)  # 90 minutes is 1.5 hours
    if "hour" in key and "peak" not in key:
        allowed.add(value * 60)
    if "peak" in key and 12 < value < 24:
        allowed.add(value - 12)  # 14 -> "2 PM"
    if _RATIO.search(key) or (0 < abs(value) < 1 and "pct" not in key):
        allowed.add(value * 100)  # 0.375 -> 37.5%
    if "pct" in key or "percent" in key:
        allowed.add(value / 100)


def allowed_figures(facts: Any, *texts: str, extra: Iterable[float] = ()) -> AllowedFigures:
    allowed = AllowedFigures()
    _walk(facts, "", allowed)
    for text in texts:
        allowed.add_text(text)
    for value in extra:
        allowed.add(value)
    return allowed


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_RE.split(text.strip()) if s.strip()]


def unsupported(sentence: str, allowed: AllowedFigures) -> list[str]:
    """The numbers a sentence states that the facts do not contain."""
    return [n for n in numbers_in(LIST_MARKER_RE.sub("", sentence)) if not allowed.allows(n)]


@dataclass
class CheckResult:
    text: str
    kept: int
    dropped: list[str]


def check_text(text: str, allowed: AllowedFigures) -> CheckResult:
    """Drop every sentence that states a number not in the facts; keep line/bullet structure."""
    out_lines: list[str] = []
    kept = 0
    dropped: list[str] = []
    for line in text.splitlines():
        marker_match = LIST_MARKER_RE.match(line)
        # Numbered lists become bullets: "1." is layout, not a figure.
        marker = "- " if marker_match else ""
        body = line[marker_match.end():] if marker_match else line.strip()
        good = []
        for sentence in split_sentences(body):
            if unsupported(sentence, allowed):
                dropped.append(sentence)
            else:
                good.append(sentence)
        if good:
            kept += len(good)
            out_lines.append(marker + " ".join(good))
        elif not body.strip() and out_lines and out_lines[-1]:
            out_lines.append("")
    return CheckResult("\n".join(out_lines).strip(), kept, dropped)
