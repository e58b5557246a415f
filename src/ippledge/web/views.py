"""Response models from query views (查询视图即响应模型): a capability's published read returns a frozen dataclass,
and its route answers with a pydantic model of the same fields. A ``ViewModel`` takes its fields from the dataclass,
so each field is declared once, in the view; a route returns the view and FastAPI checks and serialises it through the
model (``from_attributes``)::

    class EventOut(ViewModel, view=queries.EventView):
        pass

A field declared in the class body takes the place of the view's (``amount: Yuan`` for a ``Decimal``), in the view's
order; ``nested`` names the model standing for a nested view (``list[MemberView]`` becomes ``list[MemberOut]``);
``descriptions`` gives a field its OpenAPI description."""

from __future__ import annotations

import dataclasses
import inspect
import types
import typing
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ViewModel(BaseModel):
    """Base of the response models built from a query's dataclass view."""

    model_config = ConfigDict(from_attributes=True)

    def __init_subclass__(
        cls,
        *,
        view: type | None = None,
        nested: Mapping[type, type[BaseModel]] | None = None,
        descriptions: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        # Runs inside ``type.__new__``, before pydantic collects the fields from ``__annotations__``.
        super().__init_subclass__(**kwargs)
        if view is None:
            return
        own = inspect.get_annotations(cls)  # the class body's own, as written
        hints = typing.get_type_hints(view)
        names = [f.name for f in dataclasses.fields(view)]
        unknown = set(descriptions or {}) - set(names)
        if unknown:
            raise TypeError(f"{view.__name__} has no field {sorted(unknown)}")
        fields = {n: own.get(n, _swap(hints[n], nested or {})) for n in names}
        cls.__annotations__ = fields | {n: t for n, t in own.items() if n not in fields}
        for name, text in (descriptions or {}).items():
            setattr(cls, name, Field(description=text))


def _swap(kind: Any, nested: Mapping[type, type[BaseModel]]) -> Any:
    """``kind`` with each nested view replaced by its model (inside ``list[...]``, ``X | None`` and the like)."""
    if kind in nested:
        return nested[kind]
    args = typing.get_args(kind)
    if not any(a in nested or typing.get_args(a) for a in args):
        return kind
    swapped = tuple(_swap(a, nested) for a in args)
    origin = typing.get_origin(kind)
    if origin is types.UnionType or origin is typing.Union:
        return typing.Union[swapped]  # noqa: UP007 -- built from a tuple at run time
    return origin[swapped if len(swapped) > 1 else swapped[0]]
