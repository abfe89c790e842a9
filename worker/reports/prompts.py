"""Prompt text. Kept short: the default model is 135M parameters with a 2k window."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from englog.v1 import tasks_pb2 as pb


@dataclass(frozen=True)
class Section:
    title: str
    instruction: str
    fallback: str  # used when no generated sentence survives the figure check


SECTIONS: tuple[Section, ...] = (
    Section("Key Accomplishments",
            "List the two or three most valuable pieces of work completed, naming them.",
            "The most valuable work of the period is listed under Top High-Value Activities."),
    Section("Time Allocation Analysis",
            "Describe how the time was split between activity types and projects, "
            "and what that says about the period.",
            "See the tables above for how time was split between activities and projects."),
    Section("Technical Contributions",
            "Describe the technical work: features built, bugs fixed, designs, reviews.",
            "Technical work is listed in the activity tables above."),
    Section("Areas of Excellence",
            "Name the strengths this work shows, citing the work items that show them.",
            "Strengths are best read from the high-value and high-impact activities above."),
    Section("Recommendations",
            "Give two or three concrete suggestions for the next period.",
            "Keep protecting focus time for high-value work in the next period."),
)

SYSTEM = (
    "You write one section of a software engineer's work report in a professional, "
    "encouraging tone, addressed to the engineer as 'you'. Use only the facts and work log "
    "given. Copy any number exactly from the facts; never invent numbers, dates or "
    "percentages. Write 2 to 4 short sentences. Do not write headings."
)

STRICT = " Do not write any digits or numbers at all."

SUMMARY_SYSTEM = (
    "You summarize an engineer's work log. Name the main pieces of work and projects in 2 "
    "short sentences. Do not write any numbers."
)


def entry_line(e: pb.LogEntry) -> str:
    when = e.start_time[:10]
    try:
        when = datetime.fromisoformat(e.start_time).strftime("%a %Y-%m-%d")
    except ValueError:
        pass
    bits = [when, e.type or "-", e.project or "-", f"{e.duration_minutes}m",
            f"{e.value_rating or '-'}/{e.impact_level or '-'}", e.title]
    line = " | ".join(bits)
    if e.description:
        line += f" — {e.description[:120]}"
    return line


def header(req: pb.GenerateInsightRequest) -> str:
    who = f" for {req.user_name}" if req.user_name else ""
    text = f"{(req.report_type or 'custom').capitalize()} report{who}, " \
           f"{req.period_start} to {req.period_end}."
    if req.include_projects:
        text += f" Projects in scope: {', '.join(req.include_projects)}."
    if req.focus_areas:
        text += f" Focus on: {', '.join(req.focus_areas)}."
    return text


def section_messages(req: pb.GenerateInsightRequest, facts_digest: str, material_label: str,
                     material: str, section: Section, strict: bool = False) -> list[dict]:
    user = (f"{header(req)}\n\nFacts:\n{facts_digest}\n\n{material_label}:\n{material}\n\n"
            f"Write the \"{section.title}\" section. {section.instruction}")
    return [{"role": "system", "content": SYSTEM + (STRICT if strict else "")},
            {"role": "user", "content": user}]


def summary_messages(label: str, lines: list[str], focus: list[str]) -> list[dict]:
    extra = f" Pay attention to: {', '.join(focus)}." if focus else ""
    user = f"{label}:\n" + "\n".join(lines) + f"\n\nSummarize the work of {label.lower()}.{extra}"
    return [{"role": "system", "content": SUMMARY_SYSTEM}, {"role": "user", "content": user}]
