"""Walk a report's figures by their contract paths (``requests.outcomes.granted``)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

from pydantic import BaseModel

from schemas.quantity import Quantity


@cache
def _fields(model: type[BaseModel]) -> tuple[tuple[str, bool], ...]:
    """(name, holds a Quantity) for each field of ``model``, computed once per model class."""
    return tuple(
        (
            name,
            info.annotation is not None
            and Quantity in getattr(info.annotation, "__args__", (info.annotation,)),
        )
        for name, info in model.model_fields.items()
    )


def iter_figures(model: BaseModel, prefix: str = "") -> Iterator[tuple[str, Quantity | None]]:
    """Yield (path, figure) for every Quantity field below ``model``, nulls included.

    Channels are keyed by name (``proactive.channels[微信].count``); the request
    matrix is walked only when present.
    """
    found: list[tuple[str, Quantity | None]] = []
    _collect(model, prefix, found)
    return iter(found)


def _collect(model: BaseModel, prefix: str, found: list[tuple[str, Quantity | None]]) -> None:
    for name, is_figure in _fields(type(model)):
        value = getattr(model, name)
        if is_figure:
            found.append((prefix + name, value))
        elif isinstance(value, BaseModel):
            _collect(value, f"{prefix}{name}.", found)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, BaseModel) and hasattr(item, "name") and hasattr(item, "count"):
                    found.append((f"{prefix}{name}[{item.name}].count", item.count))


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
