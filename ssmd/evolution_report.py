"""`ssmd schema diff` results as text and as SARIF 2.1.0 (JSON is `Comparison.to_json`).

Each finding shows its rule id, its level, where it is in the new text (or,
for something removed, in the old one), what changed and who it breaks.
Findings accepted by the schema's `compatibility_ignore` are shown as
suppressed, with the reason: in text a `suppressed` line, in SARIF a
`suppressions` entry (GitHub code scanning then shows them as dismissed).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ssmd import __version__
from ssmd.capnp.evolution import SchemaChange
from ssmd.capnp.rules import RULES
from ssmd.report import sarif_base, sarif_uri
from ssmd.schema_diff import Comparison

DOC_URL = "https://github.com/ssmd/ssmd-metadata/blob/main/docs/evolution.md"


def _where(comparison: Comparison, change: SchemaChange, prefix: str) -> tuple[str, str]:
    """`path:line:col` of a finding (in the new text, or the old one for something removed),
    and the words that say it is the old text's position."""
    if change.new_location is not None and comparison.new_path:
        line, column = change.new_location
        return f"{prefix}{comparison.new_path}:{line + 1}:{column + 1}", ""
    if change.old_location is not None and comparison.old_path:
        line, column = change.old_location
        return f"{prefix}{comparison.old_path}:{line + 1}:{column + 1}", "(in the old version) "
    return (f"{prefix}{comparison.new_path}" if comparison.new_path else ""), ""


def render_text(comparison: Comparison, prefix: str = "") -> str:
    """A verdict line, then one line per finding at column 0, as compilers print them
    (`path:line:col: error RULE [level] message`): breaking ones, notes, suppressed ones.
    `prefix` leads the root-relative paths to the working directory."""
    head = f"{comparison.old} -> {comparison.new} (level {comparison.level.value}): "
    if comparison.problem is not None:
        return head + f"cannot compare: {comparison.problem}"
    if not comparison.changes:
        return head + "compatible, no structural change to existing declarations"
    breaking = comparison.breaking
    notes = [c for c in comparison.changes if not c.breaking and c.suppressed is None]
    suppressed = comparison.suppressed
    verdict = f"{len(breaking)} breaking" if breaking else "compatible"
    lines = [
        head + f"{verdict}, {len(notes)} note(s) beyond the level, {len(suppressed)} suppressed"
    ]
    for change in (*breaking, *notes, *suppressed):
        marker = "error" if change in breaking else "suppressed" if change.suppressed else "note"
        where, old = _where(comparison, change, prefix)
        lines.append(
            f"{where}: {marker} {change.rule} [{change.level}] {old}"
            f"{change.message}; {change.consequence}"
        )
        if change.suppressed:
            lines.append(f"  accepted: {change.suppressed}")
    return "\n".join(lines)


def render_sarif(comparison: Comparison, from_top: str = "", top: Path | None = None) -> str:
    """SARIF 2.1.0; URIs are `from_top` + the root-relative path, relative to `%SRCROOT%`,
    the git work tree's `top`, as `ssmd validate` writes them (ssmd.report.render_sarif)."""
    codes = sorted(RULES)
    rules = [
        {
            "id": code,
            "shortDescription": {"text": RULES[code].summary},
            "fullDescription": {"text": f"{RULES[code].summary}; {RULES[code].breaks}"},
            "helpUri": f"{DOC_URL}#{code.lower()}",
            "properties": {"level": RULES[code].level.value},
        }
        for code in codes
    ]
    results: list[dict[str, Any]] = []
    for change in comparison.changes:
        result: dict[str, Any] = {
            "ruleId": change.rule,
            "ruleIndex": codes.index(change.rule),
            "level": "error" if change.breaking else "note",
            "message": {"text": f"{change.message}; {change.consequence}"},
            "locations": _locations(comparison, change, from_top),
            "properties": {
                "compatibilityLevel": change.level,
                "element": change.element,
                "oldElement": change.old_element,
            },
        }
        if change.suppressed is not None:
            result["suppressions"] = [{"kind": "external", "justification": change.suppressed}]
        results.append(result)
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "ssmd schema diff",
                        "version": __version__,
                        "informationUri": DOC_URL,
                        "rules": rules,
                    }
                },
                **({"originalUriBaseIds": sarif_base(top)} if top is not None else {}),
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2)


def _locations(comparison: Comparison, change: SchemaChange, from_top: str) -> list[dict[str, Any]]:
    places = []
    for path, position in (
        (comparison.new_path, change.new_location),
        (comparison.old_path, change.old_location),
    ):
        if path and position is not None:
            places.append(
                {
                    "physicalLocation": {
                        "artifactLocation": {
                            "uri": sarif_uri(from_top + path),
                            "uriBaseId": "%SRCROOT%",
                        },
                        "region": {"startLine": position[0] + 1, "startColumn": position[1] + 1},
                    }
                }
            )
            break
    return places
