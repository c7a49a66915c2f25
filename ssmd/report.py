"""Validation results as text, JSON, SARIF 2.1.0, GitHub workflow commands and GitLab Code Quality.

A renderer per format, chosen from one map; positions become 1-based here,
at the edge, and nowhere else. Each renderer takes one `Checked` per registry: the
results plus where its paths are shown from (text: the working directory; GitHub,
SARIF and GitLab: the top of the git work tree, so annotations land in a monorepo).
"""

from __future__ import annotations

import hashlib
import json
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from ssmd import __version__
from ssmd.check import Diagnostic, QuickFix
from ssmd.document import Document, Kind
from ssmd.lintconfig import CONFIG_FILE
from ssmd.models import Schema
from ssmd.rules import RULES, RULES_DOC_URL, Severity
from ssmd.span import Span
from ssmd.views import HashState, hash_state
from ssmd.workspace import Workspace

Results = dict[str, list[Diagnostic]]


class Format(StrEnum):
    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"
    GITHUB = "github"
    GITLAB = "gitlab"


@dataclass(frozen=True)
class Checked:
    """One registry's results, and the prefixes that turn its root-relative paths into
    paths from the working directory (`shown`) and from the git work tree's top (`from_top`,
    whose folder is `top`). A prefix is `""` or ends in `/`."""

    workspace: Workspace
    results: Results
    shown: str = ""
    from_top: str = ""
    top: Path | None = None
    suppressed: Results = field(default_factory=dict)
    """Findings hidden by `# ssmd: ignore[...]` (each with its reason)."""

    def shown_path(self, file: str) -> str:
        return self.shown + file

    def top_path(self, file: str) -> str:
        return self.from_top + file


def prefix_between(folder: Path, root: Path) -> str:
    """`root` as a path prefix from `folder` (`""` or `infra/registry/`); absolute
    (`/srv/reg/`) when `root` is not inside `folder`."""
    if not root.is_relative_to(folder):
        return root.as_posix().rstrip("/") + "/"
    relative = root.relative_to(folder).as_posix()
    return "" if relative == "." else relative + "/"


@dataclass(frozen=True)
class RenderOptions:
    """What a reader asked for, given to every renderer (each uses what applies to it)."""

    show_suppressed: bool = False
    """List each suppressed finding in text (JSON, SARIF... always carry them)."""


DEFAULT_OPTIONS = RenderOptions()


def location(diagnostic: Diagnostic) -> str:
    line, column = diagnostic.span.one_based()
    return f"{diagnostic.file}:{line}:{column}"


def render_text(checked: list[Checked], options: RenderOptions = DEFAULT_OPTIONS) -> str:
    """The grouped report of SPEC section 6; each finding on its own line at column 0,
    `path:line:col: severity CODE message` (compilers' layout: editors jump to it)."""
    parts = [_text_one(c, options.show_suppressed) for c in checked]
    if len(checked) > 1:
        parts = [
            f"Registry {c.shown or './'}\n{part}" for c, part in zip(checked, parts, strict=True)
        ]
        errors, warnings = _totals(checked)
        total = f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}"
        parts.append(f"{len(checked)} registries: {total}.")
    return "\n\n".join(parts)


def _text_one(checked: Checked, show_suppressed: bool) -> str:
    workspace, results, suppressed = checked.workspace, checked.results, checked.suppressed
    lines: list[str] = []
    if results.get(CONFIG_FILE):
        lines.append("Validating configuration...")
        lines.append(f"  ✗ {CONFIG_FILE}")
        lines.extend(_with_notes(results[CONFIG_FILE], checked.shown))
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
            lines.extend(_with_notes(found, checked.shown))
        if kind is Kind.SCHEMA:
            for document in workspace.of_kind(Kind.CAPNP):
                found = results.get(document.path, [])
                if found:
                    lines.append(f"  ✗ {document.stem}.capnp")
                    lines.extend(_with_notes(found, checked.shown))
    errors, warnings = _counts(results)
    lines.append("")
    if errors == 0 and warnings == 0:
        lines.append("All validations passed.")
    else:
        lines.append(f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}.")
    lines.extend(_suppressed_text(suppressed, show_suppressed, checked.shown))
    return "\n".join(lines)


def _suppressed_text(suppressed: Results, show: bool, prefix: str) -> list[str]:
    """The count of findings hidden by `# ssmd: ignore[...]`, and with --show-suppressed each."""
    hidden = [d for found in suppressed.values() for d in found]
    if not hidden:
        return []
    if not show:
        return [f"{_plural(len(hidden), 'finding')} suppressed (--show-suppressed lists them)."]
    lines = [f"{_plural(len(hidden), 'finding')} suppressed:"]
    lines.extend(f"{finding_line(d, prefix)} (suppressed: {d.suppressed})" for d in hidden)
    return lines


def _schema_summary(workspace: Workspace, document: Document) -> str:
    schema = document.model
    if not isinstance(schema, Schema):
        return "valid"
    matching = [
        v.version for v in schema.versions if hash_state(workspace, schema, v) is HashState.MATCHES
    ]
    if len(matching) == 1:
        return f"{matching[0]} hash matches"
    return f"{', '.join(matching)} hashes match" if matching else "valid"


def finding_line(diagnostic: Diagnostic, prefix: str = "") -> str:
    """`path:line:col: severity CODE message`, the path behind `prefix`."""
    return (
        f"{prefix}{location(diagnostic)}: {diagnostic.severity.value} "
        f"{diagnostic.code} {diagnostic.message}"
    )


def note_lines(diagnostic: Diagnostic, prefix: str = "") -> list[str]:
    """A finding's related places, gcc's way: `path:line:col: note: message`, under it.

    Editors' error formats skip them (vim's `%-G`, the VS Code matcher wants
    error|warning), so a finding stays one entry; Emacs shows them as notes.
    """
    return [
        f"{prefix}{related.file}:{related.span.start.line + 1}:"
        f"{related.span.start.character + 1}: note: {related.message}"
        for related in diagnostic.related
    ]


def _with_notes(found: list[Diagnostic], prefix: str) -> list[str]:
    return [line for d in found for line in (finding_line(d, prefix), *note_lines(d, prefix))]


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
    result["related"] = [
        {**_place_json(r.file, r.span), "message": r.message} for r in diagnostic.related
    ]
    result["suppressed"] = diagnostic.suppressed is not None
    if diagnostic.suppressed is not None:
        result["suppression_reason"] = diagnostic.suppressed
    if diagnostic.fix is not None:
        result["fix"] = fix_json(diagnostic.fix)
    if diagnostic.more_fixes:
        result["more_fixes"] = [fix_json(fix) for fix in diagnostic.more_fixes]
    return result


def fix_json(fix: QuickFix) -> dict[str, Any]:
    """`title` and `edits`; `creates` (files to create first, each `file` and `text`) only
    when the fix creates files."""
    result: dict[str, Any] = {
        "title": fix.title,
        "edits": [{**_place_json(e.file, e.span), "new_text": e.new_text} for e in fix.edits],
    }
    if fix.creates:
        result["creates"] = [{"file": new.file, "text": new.text} for new in fix.creates]
    return result


def _place_json(file: str, span: Span) -> dict[str, Any]:
    return {
        "file": file,
        "line": span.start.line + 1,
        "column": span.start.character + 1,
        "end_line": span.end.line + 1,
        "end_column": span.end.character + 1,
    }


def _all(checked: list[Checked]) -> list[tuple[Checked, Diagnostic]]:
    return [(c, d) for c in checked for found in c.results.values() for d in found]


def _hidden(checked: list[Checked]) -> list[tuple[Checked, Diagnostic]]:
    return [(c, d) for c in checked for found in c.suppressed.values() for d in found]


def _totals(checked: list[Checked]) -> tuple[int, int]:
    found = [d for _c, d in _all(checked)]
    errors = sum(1 for d in found if d.severity is Severity.ERROR)
    warnings = sum(1 for d in found if d.severity is Severity.WARNING)
    return errors, warnings


def render_json(checked: list[Checked], options: RenderOptions = DEFAULT_OPTIONS) -> str:
    """`file` stays relative to its registry root; `path` is from the working directory.
    Suppressed findings are listed too, with `"suppressed": true` and their reason."""
    errors, warnings = _totals(checked)
    diagnostics = [
        {**diagnostic_json(d), "path": c.shown_path(d.file), "root": c.shown or "./"}
        for c, d in [*_all(checked), *_hidden(checked)]
    ]
    payload = {
        "diagnostics": diagnostics,
        "summary": {
            "errors": errors,
            "warnings": warnings,
            "files": sum(len(c.results) for c in checked),
            "suppressed": len(_hidden(checked)),
        },
        "registries": [c.shown or "./" for c in checked],
    }
    return json.dumps(payload, indent=2)


def sarif_uri(from_top: str) -> str:
    """A path from the work tree's top as a URI reference (RFC 3986: `my reg` -> `my%20reg`),
    encoded as `Path.as_uri` encodes the base (`sarif_base`) it is resolved against."""
    return urllib.parse.quote(from_top)


def sarif_base(top: Path) -> dict[str, Any]:
    """SARIF `originalUriBaseIds`: `%SRCROOT%`, which every artifact URI is relative to, is the
    git work tree's `top` (so code scanning alerts land when the registry is in a subfolder)."""
    return {"%SRCROOT%": {"uri": top.as_uri().rstrip("/") + "/"}}


def render_sarif(checked: list[Checked], options: RenderOptions = DEFAULT_OPTIONS) -> str:
    """SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

    URIs are relative to `%SRCROOT%`, the git work tree's top (`originalUriBaseIds`), so
    alerts land on the right file when the registry sits in a subfolder. Suppressed
    findings carry SARIF `suppressions` with their reason.
    """
    codes = sorted(RULES)
    rules = [
        {
            "id": code,
            "name": RULES[code].name,
            "shortDescription": {"text": RULES[code].summary},
            "fullDescription": {"text": RULES[code].documentation},
            "helpUri": RULES[code].url,
            "defaultConfiguration": {"level": _sarif_level(RULES[code].severity)},
        }
        for code in codes
    ]
    sarif_results = []
    for c, diagnostic in [*_all(checked), *_hidden(checked)]:
        region = _sarif_region(diagnostic.span)
        related = [
            {
                "id": number,
                "physicalLocation": {
                    "artifactLocation": {
                        "uri": sarif_uri(c.top_path(r.file)),
                        "uriBaseId": "%SRCROOT%",
                    },
                    "region": _sarif_region(r.span),
                },
                "message": {"text": r.message},
            }
            for number, r in enumerate(diagnostic.related)
        ]
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
                                "uri": sarif_uri(c.top_path(diagnostic.file)),
                                "uriBaseId": "%SRCROOT%",
                            },
                            "region": region,
                        }
                    }
                ],
                **({"relatedLocations": related} if related else {}),
                **_sarif_suppressions(diagnostic),
            }
        )
    top = next((c.top for c in checked if c.top is not None), None)
    if top is None:
        top = checked[0].workspace.root if checked else Path.cwd()
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
                "originalUriBaseIds": sarif_base(top),
                "columnKind": "unicodeCodePoints",
                "results": sarif_results,
            }
        ],
    }
    return json.dumps(log, indent=2)


def _sarif_region(span: Span) -> dict[str, int]:
    line, column = span.one_based()
    end = span.end
    return {
        "startLine": line,
        "startColumn": column,
        "endLine": end.line + 1,
        "endColumn": max(end.character + 1, column) if end.line + 1 == line else end.character + 1,
    }


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


def render_github(checked: list[Checked], options: RenderOptions = DEFAULT_OPTIONS) -> str:
    """GitHub Actions workflow commands: one annotation per finding, paths from the repo top."""
    lines = []
    for c, diagnostic in _all(checked):
        line, column = diagnostic.span.one_based()
        end = diagnostic.span.end
        properties = ",".join(
            f"{key}={_escape_property(str(value))}"
            for key, value in (
                ("file", c.top_path(diagnostic.file)),
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
    errors, warnings = _totals(checked)
    lines.append(f"ssmd: {_plural(errors, 'error')}, {_plural(warnings, 'warning')}")
    return "\n".join(lines)


def render_gitlab(checked: list[Checked], options: RenderOptions = DEFAULT_OPTIONS) -> str:
    """GitLab Code Quality report (a JSON array; `artifacts: reports: codequality:`)."""
    issues = []
    for c, diagnostic in _all(checked):
        line, column = diagnostic.span.one_based()
        path = c.top_path(diagnostic.file)
        identity = f"{diagnostic.code}|{path}|{line}|{column}|{diagnostic.message}"
        issues.append(
            {
                "description": f"{diagnostic.code} {diagnostic.message}",
                "check_name": f"{diagnostic.code} {diagnostic.rule_name}",
                "fingerprint": hashlib.sha256(identity.encode()).hexdigest(),
                "severity": {Severity.ERROR: "major", Severity.WARNING: "minor"}.get(
                    diagnostic.severity, "info"
                ),
                "location": {
                    "path": path,
                    "positions": {"begin": {"line": line, "column": column}},
                },
            }
        )
    return json.dumps(issues, indent=2)


RENDERERS: dict[Format, Callable[[list[Checked], RenderOptions], str]] = {
    Format.TEXT: render_text,
    Format.JSON: render_json,
    Format.SARIF: render_sarif,
    Format.GITHUB: render_github,
    Format.GITLAB: render_gitlab,
}
USES_REPOSITORY_TOP = frozenset({Format.SARIF, Format.GITHUB, Format.GITLAB})
"""Formats whose paths are relative to the git work tree's top (CI services resolve them so)."""
