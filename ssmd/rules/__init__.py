"""Every validation rule of SPEC section 6, one small function each, in one registry."""

# Importing the rule modules registers their rules.
from ssmd.rules import environments, feeds, files, history, lint, retroactive, schemas  # noqa: F401
from ssmd.rules.context import Context
from ssmd.rules.registry import (
    RULES,
    RULES_DOC_URL,
    Edit,
    Finding,
    Fix,
    NewFile,
    Rule,
    Severity,
    rule,
)

__all__ = [
    "RULES",
    "RULES_DOC_URL",
    "Context",
    "Edit",
    "Finding",
    "Fix",
    "NewFile",
    "Rule",
    "Severity",
    "rule",
]
