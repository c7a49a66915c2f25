"""What the models say about one key, for the editor: its field and the values it takes."""

from __future__ import annotations

import typing
from enum import Enum

from pydantic.fields import FieldInfo

from ssmd.document import MODEL_OF_KIND, Kind
from ssmd.introspect import field_info, model_at, unwrap
from ssmd.yamlsource import ModelPath


def fields_at(kind: Kind, parent: ModelPath) -> dict[str, FieldInfo] | None:
    """The fields of the mapping at `parent` in a document of `kind`, by key (alias or name)."""
    model = model_at(MODEL_OF_KIND[kind], parent)
    if model is None:
        return None
    return {info.alias or name: info for name, info in model.model_fields.items()}


def field_at(kind: Kind, parent: ModelPath, key: str) -> FieldInfo | None:
    """The field `key` names in the mapping at `parent`, or None when the models have none."""
    model = model_at(MODEL_OF_KIND[kind], parent)
    return field_info(model, key) if model is not None else None


def value_choices(info: FieldInfo) -> list[str]:
    """The values a field takes when they are few: an enum's members, true/false, or none."""
    annotation = unwrap(info.annotation)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return [str(member.value) for member in annotation]
    if annotation is bool:
        return ["true", "false"]
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) is list and args:
        inner = unwrap(args[0])
        if isinstance(inner, type) and issubclass(inner, Enum):
            return [str(member.value) for member in inner]
    return []
