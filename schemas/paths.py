"""Walk a report's figures by their contract paths (``requests.outcomes.granted``)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

from pydantic import BaseModel

from schemas.quantity import Quantity


@cache
def _figure_fields(model: type[BaseModel]) -> frozenset[str]:
    """The fields of ``model`` that hold a Quantity (computed once per model class)."""
    return frozenset(
        name
        for name, info in model.model_fields.items()
        if info.annotation is not None
        and Quantity in getattr(info.annotation, "__args__", (info.annotation,))
    )


def iter_figures(model: BaseModel, prefix: str = "") -> Iterator[tuple[str, Quantity | None]]:
    """Yield (path, figure) for every Quantity field below ``model``, nulls included.

    Channels are keyed by name (``proactive.channels[微信].count``); the request
    matrix is walked only when present.
    """
    for name in type(model).model_fields:
        value = getattr(model, name)
        path = f"{prefix}{name}"
        if name in _figure_fields(type(model)):
            yield path, value
        elif isinstance(value, BaseModel):
            yield from iter_figures(value, path + ".")
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, BaseModel) and hasattr(item, "name") and hasattr(item, "count"):
                    yield f"{path}[{item.name}].count", item.count


def figure_dict(model: BaseModel) -> dict[str, Quantity | None]:
    """All figures of ``model`` by path."""
    return dict(iter_figures(model))


def get_path(model: BaseModel, path: str) -> Any:
    """The attribute at a dotted path (no list indexing)."""
    value: Any = model
    for part in path.split("."):
        value = getattr(value, part)
    return value


def set_path(model: BaseModel, path: str, value: Any) -> None:
    """Set the attribute at a dotted path in place (no list indexing)."""
    *parents, last = path.split(".")
    target: Any = model
    for part in parents:
        target = getattr(target, part)
    setattr(target, last, value)
