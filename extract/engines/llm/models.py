"""Response models of the LLM: the schemas' section models, with every leaf grounded.

:func:`answer_model` derives them from the models in :mod:`schemas`, so field names,
descriptions and constraints have one source. Three things change on the way:
a Quantity becomes a :data:`GroundedFigure` (value, approx, unit, evidence: what a
model can read off the text; ``derived`` is the rules engine's business), the
meta fields and text lists get their own grounding validators, and ``Meta`` keeps
only the fields a reader can find in the text (title, issuer, years, dates).

The validators read the report passages from instructor's validation context
(``context={"sources": [...]}``); without a context they check nothing, so an
answer can be rebuilt from the cache or a dump without the text.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Sequence
from functools import cache
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    create_model,
)
from pydantic.fields import FieldInfo

from extract.engines.llm.grounding import (
    MAX_EVIDENCE,
    MAX_QUOTE,
    cue_for,
    ground_date,
    ground_figure,
    ground_period,
    ground_quote,
    ground_title,
    ground_year,
)
from schemas import Meta, Quantity

SOURCES = "sources"
"""Key of the validation context: the report passages the model was shown."""
META_FIELDS = (
    "title", "issuer", "report_year", "title_year", "publish_date", "period_start", "period_end",
)  # fmt: skip
"""The meta fields an LLM may fill; the rest (template, script, tables) is structural."""


def sources(info: ValidationInfo) -> Sequence[str] | None:
    """The passages in the validation context, or None when validating without one."""
    context = info.context
    return context.get(SOURCES) if isinstance(context, dict) else None


def _quantity_field(name: str) -> Any:
    """Quantity's field ``name`` (description, constraints), for Figure."""
    return Quantity.model_fields[name]


class Figure(BaseModel):
    """A figure as the report states it: number, hedge, unit and verbatim evidence."""

    model_config = ConfigDict(extra="forbid")

    value: int | float = _quantity_field("value")
    approx: bool = _quantity_field("approx")
    unit: str | None = _quantity_field("unit")
    evidence: str = Field(
        min_length=1,
        max_length=MAX_EVIDENCE,
        description=Quantity.model_fields["evidence"].description,
    )


@cache
def grounded_figure(path: str) -> Any:
    """The Figure type of the contract path ``path``: grounded, with the path's cue words."""
    cue = cue_for(path)

    def ground(figure: Figure, info: ValidationInfo) -> Figure:
        passages = sources(info)
        if passages is None:
            return figure
        stated = ground_figure(
            figure.value, figure.approx, figure.unit, figure.evidence, passages, cue
        )
        return Figure(
            value=stated.value, approx=stated.approx, unit=stated.unit, evidence=stated.evidence
        )

    return Annotated[Figure, AfterValidator(ground)]


def _leaf(rule: Callable[[Any, Sequence[str]], Any]) -> AfterValidator:
    """An AfterValidator applying ``rule`` to the value and the passages in context."""

    def validate(value: Any, info: ValidationInfo) -> Any:
        passages = sources(info)
        return value if passages is None else rule(value, passages)

    return AfterValidator(validate)


MAX_ITEMS = 15
"""Length limit of lists (channels, problems): a grammar-bound model cannot loop forever."""
QuotedText = Annotated[str, StringConstraints(max_length=MAX_QUOTE), _leaf(ground_quote)]
LEAF_RULES: dict[str, AfterValidator] = {
    "title": _leaf(ground_title),
    "issuer": _leaf(ground_quote),
    "report_year": _leaf(ground_year),
    "title_year": _leaf(ground_year),
    "publish_date": _leaf(ground_date),
    "period_start": _leaf(ground_period),
    "period_end": _leaf(ground_period),
}
"""Grounding of the non-figure fields an LLM fills, by field name."""
KEPT_FIELDS: dict[type[BaseModel], tuple[str, ...]] = {Meta: META_FIELDS}


def _is_optional(annotation: Any) -> bool:
    return get_origin(annotation) in (Union, types.UnionType) and type(None) in get_args(annotation)


def _non_none(annotation: Any) -> Any:
    if _is_optional(annotation):
        (inner,) = [arg for arg in get_args(annotation) if arg is not type(None)]
        return inner
    return annotation


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def inner_model(annotation: Any) -> type[BaseModel] | None:
    """The model inside an annotation (``X | None``, ``list[X]``, ``Annotated[X, ...]``)."""
    if _is_model(annotation):
        return annotation
    for arg in get_args(annotation):
        found = inner_model(arg)
        if found is not None:
            return found
    return None


def is_list(annotation: Any) -> bool:
    """Whether the annotation is a list (or an optional one)."""
    return get_origin(_non_none(annotation)) is list


def _class_name(field_name: str) -> str:
    return "".join(part.capitalize() for part in field_name.split("_")) + "Answer"


def _convert(name: str, info: FieldInfo, path: str) -> Any:
    """The response-model annotation of a schemas field (constraints kept on the inner type)."""
    annotation = info.annotation
    inner = _non_none(annotation)
    optional = inner is not annotation
    if inner is Quantity:
        converted: Any = grounded_figure(path)
    elif _is_model(inner):
        converted = answer_model(inner, _class_name(name), path=path)
    elif get_origin(inner) is list:
        (item,) = get_args(inner)
        items = (
            list[answer_model(item, path=path)]  # type: ignore[misc]
            if _is_model(item)
            else list[QuotedText]
        )
        converted = Annotated[items, Field(max_length=MAX_ITEMS)]
    else:
        converted = Annotated[inner, *info.metadata] if info.metadata else inner
        if name in LEAF_RULES:
            limit = StringConstraints(max_length=MAX_QUOTE) if inner is str else None
            converted = Annotated[converted, *filter(None, [limit]), LEAF_RULES[name]]
    return converted | None if optional else converted


def _field(info: FieldInfo, annotation: Any) -> Any:
    """A copy of ``info``'s description and default for the converted annotation."""
    kwargs: dict[str, Any] = {"description": info.description}
    if info.default_factory is not None:
        inner = _non_none(annotation)
        kwargs["default_factory"] = inner if _is_model(inner) else info.default_factory
    elif not info.is_required():
        kwargs["default"] = info.default
    return Field(**kwargs)


@cache
def answer_model(
    model: type[BaseModel], name: str | None = None, include: tuple[str, ...] | None = None,
    exclude: tuple[str, ...] = (), path: str = "",
) -> type[BaseModel]:  # fmt: skip
    """The response model derived from the schemas model ``model`` (cached: one class each).

    ``path`` is the contract path of ``model`` in a Report ("proactive"; "" for the
    Report itself): it picks each figure's cue words. ``include``/``exclude`` pick
    top-level fields; a nested ``Meta`` keeps META_FIELDS.
    """
    keep = include if include is not None else KEPT_FIELDS.get(model)
    fields: dict[str, Any] = {}
    for field_name, info in model.model_fields.items():
        if (keep is not None and field_name not in keep) or field_name in exclude:
            continue
        field_path = f"{path}.{field_name}" if path else field_name
        annotation = _convert(field_name, info, field_path)
        fields[field_name] = (annotation, _field(info, annotation))
    return create_model(
        name or f"{model.__name__}Answer",
        __config__=ConfigDict(extra="forbid"),
        __doc__=model.__doc__,
        **fields,
    )
