"""Validation results as text, JSON, SARIF 2.1.0 and GitHub workflow commands.

A renderer per format, chosen from one map; positions become 1-based here,
at the edge, and nowhere else.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from enum import StrEnum
from typing import Any, Protocol

from ssmd import __version__
from ssmd.check import Diagnostic
from ssmd.document import Document, Kind
from ssmd.lintconfig import CONFIG_FILE
from ssmd.models import Schema
from ssmd.rules import RULES, Severity
from ssmd.views import hash_state
from ssmd.workspace import Workspace

RULES_DOC_URL = "https://github.com/ssmd/ssmd-metadata/blob/main/docs/rules.md"
Results = dict[str, list[Diagnostic]]


class Format(StrEnum):
    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"
    GITHUB = "github"


def rule_url(code: str) -> str:
    return f"{RULES_DOC_URL}#{code.lower()}"


def location(diagnostic: Diagnostic) -> str:
    line, column = diagnostic.span.one_based()
    return f"{diagnostic.file}:{line}:{column}"


def render_text(
    workspace: Workspace,
    results: Results,
    suppressed: Results | None = None,
    show_suppressed: bool = False,
) -> str:
    """The grouped report of SPEC section 6: a line per entry, findings under it."""
    lines: list[str] = []
    if results.get(CONFIG_FILE):
        lines.append("Validating configuration...")
        lines.append(f"  ✗ {CONFIG_FILE}")
        lines.extend(f"    {_finding_line(d)}" for d in results[CONFIG_FILE])
    groups: list[tuple[Kind, str, Callable[[Document], str]]] = [
        (Kind.FEED, "feeds", lambda d: "valid"),
        (Kind.SCHEMA, "schemas", lambda d: _schema_summary(workspace, d)),
        (Kind.ENVIRONMENT, "environments", lambda d: "references valid feed and schema"),
    ]
    for kind, title, ok_text in groups:
        lines.append(f"Validating {title}...")
        for document in workspace.of_kind(kind):
            found = results.get(document.path, [])
            label = document.declared_name or document.stem
            if not found:
                lines.append(f"  ✓ {label}: {ok_text(document)}")
                continue
            mark = "✗" if any(d.severity is Severity.ERROR for d in found) else "!"
            lines.append(f"  {mark} {label}")
            lines.extend(f"    {_finding_line(d)}" for d in found)
        if kind is Kind.SCHEMA:
            for document in workspace.of_kind(Kind.CAPNP):
                found = results.get(document.path, [])
                if found:
                    lines.append(f"  ✗ {document.stem}.capnp")
                    lines.extend(f"    {_finding_line(d)}" for d in found)
    errors, warnings = _counts(results)
    lines.append("")
    if errors == 0 and warnings == 0:
        lines.append("All validations passed.")
    else:
        lines.append(f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}.")
    lines.extend(_suppressed_text(suppressed or {}, show_suppressed))
    return "\n".join(lines)


def _suppressed_text(suppressed: Results, show: bool) -> list[str]:
    """The count of findings hidden by `# ssmd: ignore[...]`, and with --show-suppressed each."""
    hidden = [d for found in suppressed.values() for d in found]
    if not hidden:
        return []
    if not show:
        return [f"{_plural(len(hidden), 'finding')} suppressed (--show-suppressed lists them)."]
    lines = [f"{_plural(len(hidden), 'finding')} suppressed:"]
    lines.extend(f"  {_finding_line(d)} (suppressed: {d.suppressed})" for d in hidden)
    return lines


def _schema_summary(workspace: Workspace, document: Document) -> str:
    schema = document.model
    if not isinstance(schema, Schema):
        return "valid"
    matching = [v.version for v in schema.versions if hash_state(workspace, schema, v) == "matches"]
    if len(matching) == 1:
        return f"{matching[0]} hash matches"
    return f"{', '.join(matching)} hashes match" if matching else "valid"


def _finding_line(diagnostic: Diagnostic) -> str:
    return f"{location(diagnostic)}: {diagnostic.code} {diagnostic.message}"


def _counts(results: Results) -> tuple[int, int]:
    errors = sum(1 for found in results.values() for d in found if d.severity is Severity.ERROR)
    warnings = sum(1 for found in results.values() for d in found if d.severity is Severity.WARNING)
    return errors, warnings


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def diagnostic_json(diagnostic: Diagnostic) -> dict[str, Any]:
    line, column = diagnostic.span.one_based()
    end = diagnostic.span.end
    result: dict[str, Any] = {
        "code": diagnostic.code,
        "rule": diagnostic.rule_name,
        "severity": diagnostic.severity.value,
        "message": diagnostic.message,
        "file": diagnostic.file,
        "line": line,
        "column": column,
        "end_line": end.line + 1,
        "end_column": end.character + 1,
    }
    result["suppressed"] = diagnostic.suppressed is not None
    if diagnostic.suppressed is not None:
        result["suppression_reason"] = diagnostic.suppressed
    if diagnostic.fix is not None:
        result["fix"] = {
            "title": diagnostic.fix.title,
            "edits": [
                {
                    "file": e.file,
                    "line": e.span.start.line + 1,
                    "column": e.span.start.character + 1,
                    "end_line": e.span.end.line + 1,
                    "end_column": e.span.end.character + 1,
                    "new_text": e.new_text,
                }
                for e in diagnostic.fix.edits
            ],
        }
    return result


def render_json(workspace: Workspace, results: Results, suppressed: Results | None = None) -> str:
    errors, warnings = _counts(results)
    diagnostics = [diagnostic_json(d) for found in results.values() for d in found]
    hidden = [diagnostic_json(d) for found in (suppressed or {}).values() for d in found]
    payload = {
        "diagnostics": diagnostics + hidden,
        "summary": {
            "errors": errors,
            "warnings": warnings,
            "files": len(results),
            "suppressed": len(hidden),
        },
    }
    return json.dumps(payload, indent=2)


def render_sarif(workspace: Workspace, results: Results, suppressed: Results | None = None) -> str:
    """SARIF 2.1.0, for GitHub code scanning and other SARIF viewers."""
    codes = sorted(RULES)
    rules = [
        {
            "id": code,
            "name": RULES[code].name,
            "shortDescription": {"text": RULES[code].summary},
            "fullDescription": {"text": RULES[code].documentation},
            "helpUri": rule_url(code),
            "defaultConfiguration": {"level": _sarif_level(RULES[code].severity)},
        }
        for code in codes
    ]
    sarif_results = []
    for found in [*results.values(), *(suppressed or {}).values()]:
        for diagnostic in found:
            line, column = diagnostic.span.one_based()
            end = diagnostic.span.end
            region = {
                "startLine": line,
                "startColumn": column,
                "endLine": end.line + 1,
                "endColumn": max(end.character + 1, column)
                if end.line + 1 == line
                else end.character + 1,
            }
            sarif_results.append(
                {
                    "ruleId": diagnostic.code,
                    "ruleIndex": codes.index(diagnostic.code),
                    "level": _sarif_level(diagnostic.severity),
                    "message": {"text": diagnostic.message},
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {
                                    "uri": diagnostic.file,
                                    "uriBaseId": "%SRCROOT%",
                                },
                                "region": region,
                            }
                        }
                    ],
                    **_sarif_suppressions(diagnostic),
                }
            )
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "ssmd",
                        "version": __version__,
                        "informationUri": RULES_DOC_URL,
                        "rules": rules,
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": workspace.root.as_uri() + "/"}},
                "columnKind": "unicodeCodePoints",
                "results": sarif_results,
            }
        ],
    }
    return json.dumps(log, indent=2)


def _sarif_level(severity: Severity) -> str:
    return {Severity.ERROR: "error", Severity.WARNING: "warning"}.get(severity, "note")


def _sarif_suppressions(diagnostic: Diagnostic) -> dict[str, Any]:
    """SARIF's in-source suppression: viewers show the result as suppressed, with the reason."""
    if diagnostic.suppressed is None:
        return {}
    return {"suppressions": [{"kind": "inSource", "justification": diagnostic.suppressed}]}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(workspace: Workspace, results: Results, suppressed: Results | None = None) -> str:
    """GitHub Actions workflow commands: one annotation per finding."""
    lines = []
    for found in results.values():
        for diagnostic in found:
            line, column = diagnostic.span.one_based()
            end = diagnostic.span.end
            properties = ",".join(
                f"{key}={_escape_property(str(value))}"
                for key, value in (
                    ("file", diagnostic.file),
                    ("line", line),
                    ("col", column),
                    ("endLine", end.line + 1),
                    ("endColumn", end.character + 1),
                    ("title", f"{diagnostic.code} {diagnostic.rule_name}"),
                )
            )
            command = {Severity.ERROR: "error", Severity.WARNING: "warning"}.get(
                diagnostic.severity, "notice"
            )
            lines.append(f"::{command} {properties}::{_escape_data(diagnostic.message)}")
    errors, warnings = _counts(results)
    lines.append(f"ssmd: {_plural(errors, 'error')}, {_plural(warnings, 'warning')}")
    return "\n".join(lines)


class Renderer(Protocol):
    def __call__(
        self, workspace: Workspace, results: Results, suppressed: Results | None = None
    ) -> str: ...


RENDERERS: dict[Format, Renderer] = {
    Format.TEXT: render_text,
    Format.JSON: render_json,
    Format.SARIF: render_sarif,
    Format.GITHUB: render_github,
}
