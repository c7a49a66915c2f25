"""The models' shape at a path: which model describes a mapping, which field a key is.

The loader uses it for "did you mean" on an unknown key (`allowed_keys`); the
editor services (`ssmd.ide`) use it for completion and hover. It walks the
pydantic annotations: Optional and Annotated are looked through (`unwrap`),
lists and dicts are followed to their items.
"""

from __future__ import annotations

import types
import typing
from typing import Any, Union

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from ssmd.yamlsource import ModelPath


def allowed_keys(model_type: type[BaseModel], path: ModelPath) -> set[str]:
    """The keys a mapping at `path` may hold (for suggestions and completion)."""
    target = model_at(model_type, path)
    if target is None:
        return set()
    return {info.alias or name for name, info in target.model_fields.items()}


def model_at(model_type: type[BaseModel], path: ModelPath) -> type[BaseModel] | None:
    """The model class that describes the mapping at `path`, following lists and dicts."""
    current: Any = model_type
    for element in path:
        current = unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            if not isinstance(element, str):
                return None
            info = field_info(current, element)
            if info is None:
                return None
            current = info.annotation
        else:
            origin = typing.get_origin(current)
            args = typing.get_args(current)
            if origin is list and args:
                current = args[0]
            elif origin is dict and len(args) == 2:
                current = args[1]
            else:
                return None
    current = unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return current
    return None


def field_info(model_type: type[BaseModel], key: str) -> FieldInfo | None:
    """The field a mapping key names (its alias or its name), or None."""
    for name, info in model_type.model_fields.items():
        if (info.alias or name) == key:
            return info
    return None


def unwrap(annotation: Any) -> Any:
    """Optional[X] -> X; Annotated[X, ...] -> X."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation


def model_keys(model: type[BaseModel]) -> list[str]:
    """A model's keys in declaration order: the order new keys are written in."""
    return [info.alias or name for name, info in model.model_fields.items()]
