"""Keep what is valid of a last answer: drop each failing part back to its default.

After instructor's last re-ask the answer may still hold a few figures that fail
(ungrounded evidence, a negative count). Rather than lose the whole section, each
failing part is dropped to the nearest place that has a default: a figure to null,
a list item out of its list, a stray key away; then the rest is validated again.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from extract.engines.llm.models import inner_model

MAX_PASSES = 5
Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Dropped:
    """A part of the answer dropped after the last re-ask, and why."""

    path: str
    """Contract path of the part (``proactive.total``, ``proactive.channels[微信].count``)."""
    reason: str


def droppable(model: type[BaseModel], loc: Loc, error_type: str) -> Loc | None:
    """The deepest prefix of ``loc`` that can fall back to a default, or None."""
    if error_type == "extra_forbidden":
        return loc
    best: Loc | None = None
    current: type[BaseModel] | None = model
    for depth, part in enumerate(loc, start=1):
        if isinstance(part, int):
            best = loc[:depth]
            continue
        if current is None or part not in current.model_fields:
            break
        field = current.model_fields[part]
        if not field.is_required():
            best = loc[:depth]
        current = inner_model(field.annotation)
    return best


def _remove(data: Any, loc: Loc) -> None:
    """Delete the key or list item at ``loc`` in ``data`` (nothing if it is not there)."""
    parent = data
    for part in loc[:-1]:
        try:
            parent = parent[part]
        except (KeyError, IndexError, TypeError):
            return
    last = loc[-1]
    if isinstance(parent, dict) and last in parent:
        del parent[last]
    elif isinstance(parent, list) and isinstance(last, int) and 0 <= last < len(parent):
        parent.pop(last)


def contract_path(prefix: str, loc: Loc, data: Any) -> str:
    """``loc`` as a contract path under ``prefix``; list items named by their ``name``."""
    path = prefix.rstrip(".")
    node: Any = data
    for part in loc:
        node = node[part] if isinstance(node, dict | list) and _has(node, part) else None  # type: ignore[index]
        if isinstance(part, int):
            name = node.get("name") if isinstance(node, dict) else None
            path += f"[{name if isinstance(name, str) else part}]"
        else:
            path = f"{path}.{part}" if path else str(part)
    return path


def _order(loc: Loc) -> list[str]:
    """Sort key: later list items first, so that removing one leaves the others in place."""
    return [f"{part:08d}" if isinstance(part, int) else part for part in loc]


def _has(node: dict[Any, Any] | list[Any], part: str | int) -> bool:
    if isinstance(node, dict):
        return part in node
    return isinstance(part, int) and 0 <= part < len(node)


def salvage(
    model: type[BaseModel], data: Any, context: dict[str, Any], prefix: str = ""
) -> tuple[BaseModel, list[Dropped]]:
    """``data`` validated as ``model`` after dropping what fails; ValidationError if impossible."""
    data = copy.deepcopy(data)
    dropped: list[Dropped] = []
    for _ in range(MAX_PASSES):
        try:
            return model.model_validate(data, context=context, strict=False), dropped
        except ValidationError as err:
            failing: dict[Loc, str | None] = {}
            for error in err.errors(include_url=False):
                loc = droppable(model, tuple(error["loc"]), error["type"])
                if loc is None:
                    raise
                stray = error["type"] == "extra_forbidden"  # noise, not a lost figure
                failing.setdefault(
                    loc, None if stray else error["msg"].removeprefix("Value error, ")
                )
            for loc in sorted(failing, key=_order, reverse=True):
                reason = failing[loc]
                if reason is not None:
                    dropped.append(Dropped(contract_path(prefix, loc, data), reason))
                _remove(data, loc)
    return model.model_validate(data, context=context, strict=False), dropped


def _fill(target: dict[str, Any], source: dict[str, Any]) -> None:
    """Fill what ``target`` leaves null or empty with ``source``'s value, recursively.

    A figure (a dict with ``evidence``) is a leaf: taken whole or not at all.
    """
    for key, value in source.items():
        mine = target.get(key)
        if value is None:
            continue
        if mine is None or mine == []:
            target[key] = value
        elif isinstance(mine, dict) and isinstance(value, dict) and "evidence" not in mine:
            _fill(mine, value)


def _stated_paths(data: Any, prefix: str) -> set[str]:
    """Contract paths of the non-null leaves of an answer's data."""
    found: set[str] = set()

    def walk(node: Any, loc: Loc) -> None:
        if isinstance(node, dict) and "evidence" not in node:
            for key, value in node.items():
                walk(value, (*loc, key))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, (*loc, index))
        elif node is not None:
            found.add(contract_path(prefix, loc, data))

    walk(data, ())
    return found


def best_of(
    model: type[BaseModel], answers: list[Any], context: dict[str, Any], prefix: str = ""
) -> tuple[BaseModel, list[Dropped]]:
    """The last answer, salvaged, with what it left null taken from earlier answers.

    ``answers`` are the parsed answers of the attempts, oldest first. A re-ask asks
    the model to fix some fields and it often spoils others it had right: each
    figure is kept from the latest attempt that grounded it. ValidationError when
    no attempt can be salvaged.
    """
    salvaged: list[tuple[BaseModel, list[Dropped]]] = []
    error: ValidationError | None = None
    for data in answers:
        try:
            salvaged.append(salvage(model, data, context, prefix))
        except ValidationError as err:
            error = err
    if not salvaged:
        if error is None:
            raise ValueError("no answer to salvage")
        raise error
    last, dropped = salvaged[-1]
    merged = last.model_dump(mode="json")
    for earlier, _ in reversed(salvaged[:-1]):
        _fill(merged, earlier.model_dump(mode="json"))
    final = model.model_validate(merged, context=context, strict=False)
    stated = _stated_paths(final.model_dump(mode="json"), prefix)
    return final, [d for d in dropped if d.path not in stated]
