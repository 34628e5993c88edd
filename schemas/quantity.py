"""The Quantity: every figure of a report, with the words that state it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Quantity(BaseModel):
    """A figure stated by the report, in the base unit of its field, with verbatim evidence."""

    model_config = ConfigDict(extra="forbid")

    value: int | float = Field(
        ge=0,
        description=(
            "数值，换算为字段的基本单位（*_yuan 字段以元计：5万元 = 50000）/ "
            "the number, converted to the field's base unit (yuan for *_yuan fields)"
        ),
    )
    approx: bool = Field(
        default=False,
        description="报告是否使用了约数（余、多、近、约、左右）/ true when the report hedges",
    )
    unit: str | None = Field(
        default=None,
        max_length=16,
        description="报告中写明的单位（条、件、人、次、万元）/ the unit as written",
    )
    evidence: str = Field(
        min_length=1,
        max_length=2000,
        description=(
            "规范化文本中包含该数字的原文片段，逐字摘录 / "
            "a verbatim substring of the normalized text that contains the figure"
        ),
    )
    derived: bool = Field(
        default=False,
        description="由表格恒等式推算而非直接读取 / recovered from a table identity, not read",
    )
    derivation: str | None = Field(
        default=None,
        max_length=300,
        description="推算所用的恒等式 / the identity used when derived",
    )

    @model_validator(mode="after")
    def _derivation_named(self) -> Quantity:
        if self.derived and not self.derivation:
            raise ValueError("a derived quantity must name the identity it was derived from")
        return self


Figure = Quantity | None
"""A contract figure: a Quantity, or None when the report does not say."""
