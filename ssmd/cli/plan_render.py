"""Renderers of a `Plan`: text for a terminal, markdown for a pull-request comment, JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from enum import StrEnum

from ssmd import codes
from ssmd.effective import ALWAYS
from ssmd.plan import Action, Difference, EnvironmentPlan, Interval, Plan

MARKS = {Action.ADDED: "+", Action.REMOVED: "-", Action.CHANGED: "~"}


class PlanFormat(StrEnum):
    TEXT = "text"
    MARKDOWN = "markdown"
    JSON = "json"


def difference_text(difference: Difference) -> str:
    """One difference in words: `connects to wss://.../v3 (was wss://.../v2)`."""
    after = difference.after if difference.after is not None else "(none)"
    was = f" (was {difference.before})" if difference.before is not None else ""
    phrases = {
        "feed.endpoint": "connects to {after}",
        "feed.version": "runs feed version {after}",
        "schema.version": "schema resolves to {after}",
        "schema.hash": "schema file bytes are {after}",
        "schema.file": "schema file is {after}",
        "feed": "uses feed {after}",
        "schema": "references schema {after}",
        "keys": "reads keys {after}",
    }
    template = phrases.get(difference.aspect, difference.aspect + " {after}")
    if difference.aspect == "schema.hash":
        after = after[:19] + "..." if after.startswith("sha256:") else after
        was = f" (was {difference.before[:19]}...)" if difference.before else ""
    return template.format(after=after or "(none)") + was


def period_text(interval: Interval) -> str:
    if interval.start == ALWAYS:
        return "always" if interval.until is None else f"until {interval.until}"
    if interval.until is None:
        return f"from {interval.start}"
    return f"from {interval.start} until {interval.until}"


def retroactive_lines(plan: Plan) -> list[str]:
    """One line per environment: from its first rewritten day to its last, what changes."""
    grouped: dict[str, list[Interval]] = {}
    for env, interval in plan.retroactive:
        grouped.setdefault(env.name, []).append(interval)
    lines = []
    for name, intervals in grouped.items():
        first = intervals[0].start
        start = "the beginning" if first == ALWAYS else str(first)
        last = intervals[-1].past_until(plan.today)
        aspects = list(dict.fromkeys(d.aspect for i in intervals for d in i.differences))
        lines.append(
            f"{name}: replays of {start} to {last} now run differently ({', '.join(aspects)})"
        )
    return lines


def _header(plan: Plan) -> str:
    base = f"{plan.base_label} ({plan.base[:7]})" if plan.base_label != plan.base else plan.base[:7]
    head = (
        plan.head_label
        if plan.head_label == "work tree"
        else f"{plan.head_label} ({plan.head[:7]})"
    )
    return f"{base} -> {head}"


def render_text(plan: Plan) -> str:
    lines = [f"Plan: {_header(plan)} (today {plan.today})"]
    lines += [f"note: {note}" for note in plan.notes]
    if plan.empty:
        lines.append(
            f"No changes: every environment does the same on every date "
            f"({plan.unchanged} unchanged)."
        )
        return "\n".join(lines)
    retro = retroactive_lines(plan)
    if retro:
        lines.append("")
        lines.append(
            f"warning {codes.RETROACTIVE_CHANGE}: this change rewrites history (past dates replay "
            "differently):"
        )
        lines += [f"  {line}" for line in retro]
    if plan.environments:
        lines.append("")
        lines.append("Environments:")
        for env in plan.environments:
            lines += _environment_text(env)
    lines.append(f"  {plan.unchanged} environment{'' if plan.unchanged == 1 else 's'} unchanged")
    if plan.entities:
        lines.append("")
        lines.append("Registry changes:")
        for entity in plan.entities:
            lines += [f"  {MARKS[entity.change]} {detail}" for detail in entity.details]
    return "\n".join(lines)


def _environment_text(env: EnvironmentPlan) -> list[str]:
    lines = [f"  {MARKS[env.change]} {env.name} ({env.change.value})"]
    if env.note:
        lines.append(f"      {env.note}")
    if env.change is Action.ADDED:
        for interval in env.intervals:
            shown = {d.aspect: d.after for d in interval.differences}
            lines.append(
                f"      {period_text(interval)}: feed {shown.get('feed.version', '?')} at "
                f"{shown.get('feed.endpoint', '(none)')}, schema "
                f"{shown.get('schema', '?')} {shown.get('schema.version', '')}".rstrip()
            )
        return lines
    for interval in env.intervals:
        said = "; ".join(difference_text(d) for d in interval.differences)
        lines.append(f"      {period_text(interval)}: {said}")
    return lines


def render_markdown(plan: Plan) -> str:
    """A PR comment: a summary table, then each environment's details collapsed."""
    out = [f"### ssmd plan: {_header(plan)}", ""]
    out += [f"> **Note:** {note}" for note in plan.notes]
    if plan.notes:
        out.append("")
    if plan.empty:
        out.append(
            f"No changes: every environment does the same on every date ({plan.unchanged} "
            "unchanged)."
        )
        return "\n".join(out) + "\n"
    retro = retroactive_lines(plan)
    if retro:
        out.append(f"> [!WARNING]\n> **{codes.RETROACTIVE_CHANGE}: this change rewrites history.**")
        out += [f"> - {line}" for line in retro]
        out.append("")
    out += ["| Environment | Change | From | What changes |", "| --- | --- | --- | --- |"]
    for env in plan.environments:
        first = env.intervals[0] if env.intervals else None
        when = period_text(first) if first else ""
        if first and first.retroactive(plan.today):
            when += " ⚠"
        what = ", ".join(sorted({d.aspect for i in env.intervals for d in i.differences}))
        if env.change is Action.ADDED:
            what = "new environment"
        elif env.change is Action.REMOVED:
            what = "environment removed"
        elif env.note:
            what = env.note
        out.append(f"| `{env.name}` | {env.change.value} | {when} | {_cell(what)} |")
    out += ["", f"{plan.unchanged} environment(s) unchanged.", ""]
    for env in plan.environments:
        if not env.intervals:
            continue
        out += [f"<details><summary><code>{env.name}</code></summary>", ""]
        for interval in env.intervals:
            out.append(f"- **{period_text(interval)}**")
            for difference in interval.differences:
                out.append(f"  - {_cell(difference_text(difference))}")
        out += ["", "</details>", ""]
    if plan.entities:
        out += ["<details><summary>Registry changes</summary>", ""]
        for entity in plan.entities:
            out += [f"- {_cell(detail)}" for detail in entity.details]
        out += ["", "</details>", ""]
    return "\n".join(out)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_json(plan: Plan) -> str:
    return json.dumps(plan.to_json(), indent=2)


RENDERERS: dict[PlanFormat, Callable[[Plan], str]] = {
    PlanFormat.TEXT: render_text,
    PlanFormat.MARKDOWN: render_markdown,
    PlanFormat.JSON: render_json,
}
