"""Canonical layout of registry YAML files: `ssmd fmt` and the editor's "Format Document".

Reviews should show meaning, not layout. The canonical form:

- keys in the order of the SPEC (the model's field order) for each kind of
  file and each nested block; keys ssmd does not know keep their order, last;
- `versions` sorted by `effective_from` (the SPEC: "tools write versions in
  date order"), each version carrying its comments and blank line along;
- two spaces per level, sequences indented under their key (`  - version: v1`),
  short lists of scalars in flow style as written (`[v1, v2]`);
- strings unquoted where the plain form reads back as the same string,
  double-quoted where quotes are needed; block scalars as `|` literals;
- a comment alone on its line stays above the line it precedes (and moves
  with it); a trailing comment stays at the end of its line, with its spacing.

Formatting is idempotent and changes no value: before answering, the result
is read back and compared with the original (versions sorted). Text fmt cannot
rewrite faithfully (syntax errors, anchors and aliases, tags, several
documents, a comment where no line can carry it) is left as it is, with the
reason: fmt never loses a comment or a value.
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from dataclasses import dataclass
from typing import Any, Union

import yaml
from pydantic import BaseModel

from ssmd.document import MODEL_OF_KIND, Kind, kind_of
from ssmd.yamlcomments import find_comments
from ssmd.yamlsource import parse_yaml

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

INDENT = "  "
_STR = "tag:yaml.org,2002:str"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FLOW_UNSAFE = set(",[]{}")


@dataclass(frozen=True, slots=True)
class Formatted:
    text: str
    """The canonical text (the input unchanged when `refused`)."""
    refused: str | None = None
    """Why the file was left as it is, or None."""


class _Refuse(Exception):
    pass


def format_text(path: str, text: str) -> Formatted:
    """The canonical form of the registry file at root-relative `path` with this `text`."""
    kind = kind_of(path)
    if kind is None or kind is Kind.CAPNP:
        return Formatted(text, f"{path} is not a registry YAML file; fmt leaves it alone")
    try:
        result = _Formatter(text, MODEL_OF_KIND[kind]).run()
    except _Refuse as why:
        return Formatted(text, f"{path}: {why}")
    if not _same_values(text, result):
        return Formatted(text, f"{path}: formatting would change a value; left as it is")
    return Formatted(result)


# -- canonical key order, from the models ----------------------------------------------


def _keys_of(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def _nested(model: type[BaseModel] | None, key: str) -> tuple[type[BaseModel] | None, bool]:
    """(model of the value at `key`, True when that value maps names to such models)."""
    if model is None:
        return None, False
    for name, info in model.model_fields.items():
        if (info.alias or name) == key:
            return _model_in(info.annotation)
    return None, False


def _model_in(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    origin = typing.get_origin(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    if origin in (Union, types.UnionType) or origin is list:
        for argument in typing.get_args(annotation):
            found, mapping = _model_in(argument)
            if found is not None:
                return found, mapping
    if origin is dict:
        found, _ = _model_in(typing.get_args(annotation)[1])
        return found, True
    return None, False


# -- the formatter ----------------------------------------------------------------------


class _Formatter:
    def __init__(self, text: str, model: type[BaseModel]) -> None:
        self.text = text
        self.model = model
        self.newline = "\r\n" if "\r\n" in text else "\n"
        self.out: list[str] = []

    def run(self) -> str:
        text = self.text.replace("\r\n", "\n")
        if "\r" in text or any(c in text for c in "\x85\u2028\u2029\ufeff\t"):
            raise _Refuse("it has tabs or unusual line breaks; fix the SSMD001 finding first")
        if parse_yaml(text).problems:
            raise _Refuse("it is not valid YAML; fix the SSMD001/SSMD002 findings first")
        explicit_start = self._check_events(text)
        root = yaml.compose(text, Loader=_Loader)
        if not isinstance(root, yaml.MappingNode) or root.flow_style:
            raise _Refuse("its top level is not a block mapping")
        self.lines = text.split("\n")
        self.comments = find_comments(self.lines, root)
        self.out.extend(self.comments.header)
        if explicit_start:
            self.out.append("---")
        self._mapping(root, 0, self.model, first_prefix=None)
        if self.comments.at_end:
            self.out.extend(self.comments.at_end)
        kept_above = set(self.comments.above) <= self.comments.used_above
        if not kept_above or set(self.comments.trailing) != self.comments.used_trailing:
            raise _Refuse("a comment sits where fmt cannot keep it")
        return self.newline.join(self.out) + self.newline

    def _check_events(self, text: str) -> bool:
        documents = 0
        explicit = False
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                explicit = explicit or bool(event.explicit)
            elif isinstance(event, yaml.AliasEvent):
                raise _Refuse("it uses YAML aliases; fmt keeps such files as written")
            elif isinstance(event, yaml.NodeEvent):
                if event.anchor is not None:
                    raise _Refuse("it uses YAML anchors; fmt keeps such files as written")
                if getattr(event, "tag", None) is not None:
                    raise _Refuse("it uses explicit YAML tags; fmt keeps such files as written")
        if documents > 1:
            raise _Refuse("it holds several YAML documents")
        return explicit

    # lines and their comments

    def _lead(self, indent: int, source_line: int) -> None:
        """The comments and blank line above `source_line`, once, at this indentation."""
        if source_line in self.comments.used_above:
            return
        self.comments.used_above.add(source_line)
        for comment in self.comments.above.get(source_line, []):
            if comment:
                self.out.append(f"{INDENT * indent}{comment}")
            elif self.out and self.out[-1] not in ("", "---") and not self._opens_block():
                self.out.append("")

    def _opens_block(self) -> bool:
        """The last line is a key whose block starts next (no blank line directly under it)."""
        return self.out[-1].endswith(":")

    def _line(self, indent: int, prefix: str, content: str, source_line: int) -> None:
        self._lead(indent, source_line)
        line = f"{INDENT * indent}{prefix}{content}"
        trailing = self.comments.trailing.get(source_line)
        if trailing is not None and source_line not in self.comments.used_trailing:
            self.comments.used_trailing.add(source_line)
            line = f"{line}{trailing[0] or ' '}{trailing[1]}"
        self.out.append(line)

    # nodes

    def _mapping(
        self,
        node: yaml.MappingNode,
        indent: int,
        model: type[BaseModel] | None,
        first_prefix: str | None,
        names: bool = False,
    ) -> None:
        pairs = list(node.value)
        if not names and model is not None:
            order = {key: index for index, key in enumerate(_keys_of(model))}
            pairs.sort(key=lambda pair: order.get(_key_text(pair[0]), len(order)))
        for index, (key, value) in enumerate(pairs):
            prefix = first_prefix if index == 0 and first_prefix is not None else ""
            pad_indent = indent - 1 if prefix else indent
            nested, nested_names = (model, False) if names else _nested(model, _key_text(key))
            self._entry(key, value, pad_indent, prefix, nested, nested_names, indent)

    def _entry(
        self,
        key: yaml.Node,
        value: yaml.Node,
        indent: int,
        prefix: str,
        model: type[BaseModel] | None,
        names: bool,
        level: int,
    ) -> None:
        if not isinstance(key, yaml.ScalarNode) or key.start_mark.line != key.end_mark.line:
            raise _Refuse("it has a complex or multi-line key")
        key_source = self._source(key)
        head = f"{prefix}{key_source}:"
        line = key.start_mark.line
        if isinstance(value, yaml.ScalarNode):
            self._scalar_entry(head, value, indent, line, level)
        elif isinstance(value, (yaml.MappingNode, yaml.SequenceNode)) and value.flow_style:
            self._line(indent, "", f"{head} {self._flow(value)}", line)
        elif isinstance(value, yaml.MappingNode):
            self._line(indent, "", head, line)
            self._mapping(value, level + 1, model, None, names)
        elif isinstance(value, yaml.SequenceNode):
            self._line(indent, "", head, line)
            self._sequence(value, level + 1, model, _key_text(key))
        else:  # pragma: no cover - compose yields only these
            raise _Refuse("it has a node fmt does not know")

    def _scalar_entry(
        self, head: str, value: yaml.ScalarNode, indent: int, line: int, level: int
    ) -> None:
        if value.style in ("|", ">"):
            self._line(indent, "", f"{head} {_literal_header(value.value)}", line)
            pad = INDENT * (level + 1)
            body = value.value[:-1] if value.value.endswith("\n") else value.value
            for text_line in body.split("\n"):
                self.out.append(f"{pad}{text_line}" if text_line else "")
            return
        text = self._scalar(value, flow=False)
        self._line(indent, "", f"{head} {text}" if text else head, line)

    def _sequence(
        self, node: yaml.SequenceNode, level: int, model: type[BaseModel] | None, key: str
    ) -> None:
        items = list(node.value)
        if key == "versions" and level == 1:
            dates = [_version_date(item) for item in items]
            if all(d is not None for d in dates):
                items = [
                    item
                    for _, item in sorted(zip(dates, items, strict=True), key=lambda p: str(p[0]))
                ]
        for item in items:
            line = item.start_mark.line
            if isinstance(item, yaml.MappingNode) and not item.flow_style and item.value:
                self._lead(level, line)
                self._mapping(item, level + 1, model, first_prefix="- ")
            elif isinstance(item, yaml.ScalarNode) and item.style not in ("|", ">"):
                self._line(level, "- ", self._scalar(item, flow=False), line)
            elif isinstance(item, (yaml.MappingNode, yaml.SequenceNode)) and (
                item.flow_style or not item.value
            ):
                self._line(level, "- ", self._flow(item), line)
            else:
                raise _Refuse("it has a nested block list or block text inside a list")

    def _flow(self, node: yaml.Node) -> str:
        if node.start_mark.line != node.end_mark.line:
            raise _Refuse("it has a flow collection spread over several lines")
        if isinstance(node, yaml.SequenceNode):
            if all(isinstance(i, yaml.ScalarNode) for i in node.value):
                return "[" + ", ".join(self._scalar(i, flow=True) for i in node.value) + "]"
        elif isinstance(node, yaml.MappingNode) and not node.value:
            return "{}"
        return self._source(node)

    def _scalar(self, node: yaml.ScalarNode, flow: bool) -> str:
        if node.start_mark.line != node.end_mark.line:
            if node.style in ("'", '"') or node.tag == _STR:
                return _double_quoted(node.value)
            raise _Refuse("it has a plain value spread over several lines")
        source = self._source(node)
        if node.style not in ("'", '"'):
            return source
        plain = _plain_form(node.value, flow)
        if plain is not None:
            return plain
        return source if node.style == '"' else _double_quoted(node.value)

    def _source(self, node: yaml.Node) -> str:
        start, end = node.start_mark, node.end_mark
        return self.lines[start.line][start.column : end.column]


def _key_text(node: yaml.Node) -> str:
    return str(node.value) if isinstance(node, yaml.ScalarNode) else ""


def _version_date(item: yaml.Node) -> str | None:
    if not isinstance(item, yaml.MappingNode):
        return None
    for key, value in item.value:
        found = _key_text(key) == "effective_from" and isinstance(value, yaml.ScalarNode)
        if found and _ISO_DATE.match(str(value.value)):
            try:
                return dt.date.fromisoformat(str(value.value)).isoformat()
            except ValueError:
                return None
    return None


def _plain_form(value: str, flow: bool) -> str | None:
    """`value` unquoted when a YAML 1.1 and 1.2 reader reads it back as this same string."""
    if not value or "\n" in value or (flow and _FLOW_UNSAFE & set(value)):
        return None
    dumped = yaml.safe_dump(value, width=10**9, allow_unicode=True)
    if dumped.startswith(("'", '"', "|", ">")):
        return None
    plain = dumped.removesuffix("\n...\n").removesuffix("\n")
    return plain if plain == value else None


def _double_quoted(value: str) -> str:
    return yaml.safe_dump(value, default_style='"', width=10**9, allow_unicode=True).rstrip("\n")


def _literal_header(value: str) -> str:
    chomp = "-" if not value.endswith("\n") else ("+" if value.endswith("\n\n") else "")
    indicator = "2" if value[:1] in (" ", "\n") else ""
    return f"|{indicator}{chomp}"


def _same_values(before: str, after: str) -> bool:
    """The formatted text reads back as the original, versions sorted by effective_from."""
    original, formatted = parse_yaml(before), parse_yaml(after)
    if formatted.problems:
        return False
    data = original.data
    if isinstance(data, dict) and isinstance(data.get("versions"), list):
        versions = data["versions"]
        keys = [_date_key(v) for v in versions]
        if all(k is not None for k in keys):
            data = {
                **data,
                "versions": [
                    v for _, v in sorted(zip(keys, versions, strict=True), key=lambda p: str(p[0]))
                ],
            }
    return bool(data == formatted.data)


def _date_key(version: Any) -> str | None:
    if not isinstance(version, dict):
        return None
    value = version.get("effective_from")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and _ISO_DATE.match(value):
        return value
    return None
