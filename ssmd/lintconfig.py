"""`ssmd.yaml`: which rules a registry runs, at which severity, per path.

The file sits at the registry root, beside `exchanges/`:

    rules:                          # code -> error | warning | info | off
      SSMD305: off
    overrides:                      # later entries win over earlier ones and over `rules`
      - paths: ["exchanges/environments/*-dev.yaml"]
        rules: {SSMD308: info}
    protected_environments: ["*-prod"]

Paths are root-relative glob patterns (`fnmatch`: `*` also crosses `/`);
`protected_environments` patterns match environment names. Severities are
`error`, `warning`, `info` and `off` (a plain `off` is read as such under
YAML 1.1 too).

The engine (`ssmd.check`), not the rules and not the front ends, applies it:
the CLI and the language server therefore agree. The file is validated
itself: an unknown key, code or severity is an SSMD010 finding at its
position, and the rest of the file still applies (a typo in one line must not
silently switch the whole configuration off, nor make it unusable).

Protected environments: the reference rules SSMD301-SSMD304 say that an
environment points at a feed or schema that does not exist or is a draft;
deploying such an environment fails at run time. For environments whose name
matches a protected pattern, those errors stay errors whatever the
configuration or an in-place suppression says.
"""

from __future__ import annotations

import fnmatch
import json
import os
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ssmd import codes
from ssmd.rules import RULES, Severity
from ssmd.span import Span
from ssmd.suggest import closest
from ssmd.yamlsource import ModelPath, SourceMap, parse_yaml

if TYPE_CHECKING:
    from ssmd.check import Diagnostic
    from ssmd.workspace import Workspace

CONFIG_FILE = "ssmd.yaml"
PROTECTED_CODES = frozenset(
    {
        codes.UNKNOWN_FEED,
        codes.UNKNOWN_SCHEMA,
        codes.UNKNOWN_SCHEMA_VERSION,
        codes.DRAFT_SCHEMA_IN_ENVIRONMENT,
    }
)
"""Reference errors that a protected environment can neither switch off nor suppress."""
UNCONFIGURABLE = frozenset({codes.INVALID_CONFIG})
"""The configuration cannot silence the findings about itself."""
TOP_LEVEL_KEYS = ("rules", "overrides", "protected_environments")
OVERRIDE_KEYS = ("paths", "rules")


class Level(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    OFF = "off"

    @property
    def severity(self) -> Severity | None:
        return None if self is Level.OFF else Severity(self.value)


@dataclass(frozen=True, slots=True)
class ConfigProblem:
    message: str
    span: Span


@dataclass(frozen=True, slots=True)
class Override:
    paths: tuple[str, ...]
    rules: Mapping[str, Level]

    def applies_to(self, path: str) -> bool:
        return any(fnmatch.fnmatchcase(path, pattern) for pattern in self.paths)


@dataclass(frozen=True, slots=True)
class LintConfig:
    rules: Mapping[str, Level] = field(default_factory=dict)
    overrides: tuple[Override, ...] = ()
    protected_environments: tuple[str, ...] = ()
    problems: tuple[ConfigProblem, ...] = ()
    present: bool = False
    """True when the registry has an `ssmd.yaml` (its findings then have a file to sit in)."""

    def level(self, code: str, path: str) -> Level | None:
        """The configured level of `code` in the file at `path`; None keeps the rule's own."""
        if code in UNCONFIGURABLE:
            return None
        chosen = self.rules.get(code)
        for override in self.overrides:
            if code in override.rules and override.applies_to(path):
                chosen = override.rules[code]
        return chosen

    def is_protected(self, environment: str) -> bool:
        return any(fnmatch.fnmatchcase(environment, p) for p in self.protected_environments)

    def as_data(self) -> dict[str, Any]:
        """What `ssmd validate --show-config` prints: the effective level of every rule."""
        return {
            "file": CONFIG_FILE if self.present else None,
            "rules": {
                code: (self.rules.get(code) or Level(RULES[code].severity.value)).value
                for code in sorted(RULES)
            },
            "overrides": [
                {"paths": list(o.paths), "rules": {c: lv.value for c, lv in o.rules.items()}}
                for o in self.overrides
            ],
            "protected_environments": list(self.protected_environments),
            "protected_codes": sorted(PROTECTED_CODES),
        }


def parse_config(text: str) -> LintConfig:
    """The configuration in `text`; never raises, every problem is a `ConfigProblem`."""
    parsed = parse_yaml(text)
    problems = [ConfigProblem(p.message, p.span) for p in parsed.problems]
    data = parsed.data
    reader = _Reader(parsed.source_map, problems)
    if data is None:
        return LintConfig(problems=tuple(problems), present=True)
    if not isinstance(data, dict):
        reader.problem((), f"{CONFIG_FILE} must be a mapping with keys {_listed(TOP_LEVEL_KEYS)}")
        return LintConfig(problems=tuple(problems), present=True)
    reader.unknown_keys(data, (), TOP_LEVEL_KEYS)
    rules = reader.rules(data.get("rules"), ("rules",))
    overrides = []
    raw_overrides = data.get("overrides")
    if raw_overrides is not None and not isinstance(raw_overrides, list):
        reader.problem(("overrides",), "overrides must be a list of {paths, rules} entries")
    for index, entry in enumerate(raw_overrides if isinstance(raw_overrides, list) else []):
        where: ModelPath = ("overrides", index)
        if not isinstance(entry, dict):
            reader.problem(where, "an override must be a mapping with keys paths and rules")
            continue
        reader.unknown_keys(entry, where, OVERRIDE_KEYS)
        paths = reader.patterns(entry.get("paths"), (*where, "paths"), "paths")
        if not paths:
            reader.problem(where, "an override needs paths: the files it applies to", "key")
        overrides.append(Override(paths, reader.rules(entry.get("rules"), (*where, "rules"))))
    protected = reader.patterns(
        data.get("protected_environments"), ("protected_environments",), "protected_environments"
    )
    problems.sort(key=lambda p: p.span)
    return LintConfig(rules, tuple(overrides), protected, tuple(problems), present=True)


def _listed(names: tuple[str, ...]) -> str:
    return ", ".join(names)


@dataclass(slots=True)
class _Reader:
    source_map: SourceMap
    problems: list[ConfigProblem]

    def problem(self, path: ModelPath, message: str, part: str = "value") -> None:
        self.problems.append(ConfigProblem(message, self.source_map.span(path, part)))

    def unknown_keys(self, data: dict[Any, Any], where: ModelPath, known: tuple[str, ...]) -> None:
        for key in data:
            if key not in known:
                guess = closest(str(key), known)
                hint = f"; did you mean {guess}?" if guess else f"; known keys: {_listed(known)}"
                self.problem((*where, key), f"unknown key {key!r} in {CONFIG_FILE}{hint}", "key")

    def rules(self, raw: Any, where: ModelPath) -> dict[str, Level]:
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            self.problem(where, "rules must map rule codes to error, warning, info or off")
            return {}
        levels: dict[str, Level] = {}
        for code, value in raw.items():
            code_text = str(code)
            if code_text not in RULES:
                guess = closest(code_text.upper(), RULES, cutoff=0.8)
                hint = f"; did you mean {guess}?" if guess else ""
                self.problem((*where, code), f"unknown rule code {code_text!r}{hint}", "key")
                continue
            if code_text in UNCONFIGURABLE:
                self.problem(
                    (*where, code), f"{code_text} reports this file itself and cannot be set", "key"
                )
                continue
            level = _level(value)
            if level is None:
                self.problem(
                    (*where, code),
                    f"{code_text}: {value!r} is not a severity; use error, warning, info or off",
                )
                continue
            levels[code_text] = level
        return levels

    def patterns(self, raw: Any, where: ModelPath, name: str) -> tuple[str, ...]:
        if raw is None:
            return ()
        if isinstance(raw, str):
            return (raw,)
        if not isinstance(raw, list) or not all(isinstance(p, str) for p in raw):
            self.problem(where, f"{name} must be a list of glob patterns, e.g. ['*-prod']")
            return ()
        return tuple(raw)


def _level(value: Any) -> Level | None:
    if value is False:  # YAML 1.1 reads a plain `off` as false
        return Level.OFF
    if isinstance(value, str) and value.lower() in Level._value2member_map_:
        return Level(value.lower())
    return None


# -- finding the configuration of a workspace -------------------------------------------

_EDITOR_TEXT: weakref.WeakKeyDictionary[Workspace, str] = weakref.WeakKeyDictionary()
_FROM_DISK: dict[Path, tuple[tuple[int, int], LintConfig]] = {}


def set_config_text(workspace: Workspace, text: str | None) -> None:
    """Use an editor's unsaved `ssmd.yaml` text for `workspace` (None: the file on disk)."""
    if text is None:
        _EDITOR_TEXT.pop(workspace, None)
    else:
        _EDITOR_TEXT[workspace] = text


def config_of(workspace: Workspace) -> LintConfig:
    """The configuration `workspace` is checked with: the editor's text, else the file."""
    text = _EDITOR_TEXT.get(workspace)
    if text is not None:
        return _parsed(text)
    path = workspace.root / CONFIG_FILE
    try:
        stat = os.stat(path)
    except OSError:
        return LintConfig()
    stamp = (stat.st_mtime_ns, stat.st_size)
    cached = _FROM_DISK.get(path)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    try:
        content = path.read_bytes().decode("utf-8", "replace")
    except OSError as error:
        problem = ConfigProblem(f"cannot read {CONFIG_FILE}: {error.strerror}", Span.point(0))
        return LintConfig(problems=(problem,), present=True)
    config = parse_config(content)
    _FROM_DISK[path] = (stamp, config)
    return config


def config_diagnostics(workspace: Workspace) -> tuple[str, list[Diagnostic]]:
    """The text of `ssmd.yaml` the workspace uses and its SSMD010 findings (for an editor)."""
    from ssmd.check import Diagnostic  # the engine imports this module

    text = _EDITOR_TEXT.get(workspace)
    if text is None:
        try:
            text = (workspace.root / CONFIG_FILE).read_bytes().decode("utf-8", "replace")
        except OSError:
            text = ""
    found = [
        Diagnostic(codes.INVALID_CONFIG, Severity.ERROR, p.message, CONFIG_FILE, p.span)
        for p in config_of(workspace).problems
    ]
    return text, found


_LAST_TEXT: list[tuple[str, LintConfig]] = []


def _parsed(text: str) -> LintConfig:
    """Parse editor text once per distinct text (every check of every chunk asks)."""
    if _LAST_TEXT and _LAST_TEXT[0][0] == text:
        return _LAST_TEXT[0][1]
    config = parse_config(text)
    _LAST_TEXT[:] = [(text, config)]
    return config


def render_config(config: LintConfig, output_format: str = "text") -> str:
    """`--show-config`: JSON for `--format json`, else YAML a reader can paste into ssmd.yaml."""
    data = config.as_data()
    if output_format == "json":
        return json.dumps(data, indent=2)
    lines = [f"# effective configuration ({data['file'] or 'no ssmd.yaml: the defaults'})"]
    lines.append("rules:")
    lines.extend(f"  {code}: {level}" for code, level in data["rules"].items())
    if data["overrides"]:
        lines.append("overrides:")
        for override in data["overrides"]:
            lines.append(f"  - paths: [{', '.join(override['paths'])}]")
            rules = ", ".join(f"{c}: {lv}" for c, lv in override["rules"].items())
            lines.append(f"    rules: {{{rules}}}")
    patterns = ", ".join(f"'{p}'" for p in data["protected_environments"])
    lines.append(f"protected_environments: [{patterns}]")
    lines.append(f"# protected environments keep {', '.join(data['protected_codes'])} as errors")
    for problem in config.problems:
        line, column = problem.span.one_based()
        lines.append(f"# {CONFIG_FILE}:{line}:{column}: {codes.INVALID_CONFIG} {problem.message}")
    return "\n".join(lines)
