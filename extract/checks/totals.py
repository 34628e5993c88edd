"""Parts that must add up to their stated total: channels, appeals, staff."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from extract.checks.identities import Identity, Stated, Term, verdict
from extract.checks.registry import CheckInput, Verdict, check
from schemas import APPEAL_PARTS

APPEAL_GROUPS = {
    "reconsideration": "行政复议",
    "litigation_direct": "未经复议直接起诉",
    "litigation_after_reconsideration": "复议后起诉",
}
APPEAL_PART_LABELS = {"upheld": "维持", "corrected": "纠正", "other": "其他", "pending": "尚未审结"}


@check("proactive_channels_sum")
def proactive_channels_sum(ctx: CheckInput) -> Verdict:
    """The channel counts add up to the total, when the report says they make it up."""
    proactive = ctx.report.proactive
    if not proactive.channels_make_up_total:
        return Verdict("skipped", "the report does not present its channels as the total")
    if not proactive.channels:
        return Verdict("skipped", "no channel counts stated")
    identity = _channels_identity(tuple(c.name for c in proactive.channels))
    figures = (*(c.count for c in proactive.channels), proactive.total)
    return verdict([Stated(identity, figures)])


@lru_cache(maxsize=1024)
def _channels_identity(names: tuple[str, ...]) -> Identity:
    """The channels named ``names`` add up to the total (cached: reports of one site name the
    same channels, and an identity works out its paths and labels once)."""
    channels = tuple(Term(name, f"proactive.channels[{name}].count") for name in names)
    return Identity(channels, (Term("主动公开总数", "proactive.total"),))


def _appeal_identities() -> Iterator[Identity]:
    for name, label in APPEAL_GROUPS.items():
        parts = tuple(
            Term(APPEAL_PART_LABELS[part], f"appeals.{name}.{part}") for part in APPEAL_PARTS
        )
        yield Identity(parts, (Term("总计", f"appeals.{name}.total"),), context=label)
    litigation = ("litigation_direct", "litigation_after_reconsideration")
    yield Identity(
        tuple(Term(APPEAL_GROUPS[name], f"appeals.{name}.total") for name in litigation),
        (Term("行政诉讼总数", "appeals.litigation_total"),),
    )


APPEAL_SUMS = tuple(_appeal_identities())
STAFF_SUM = Identity(
    (Term("专职", "capacity.staff_full_time"), Term("兼职", "capacity.staff_part_time")),
    (Term("工作人员", "capacity.staff"),),
)


@check("appeals_sum")
def appeals_sum(ctx: CheckInput) -> Verdict:
    """Each appeals group's results add up to its total; both litigation groups to the total."""
    return verdict(identity.read(ctx.report) for identity in APPEAL_SUMS)


@check("capacity_staff_sum")
def capacity_staff_sum(ctx: CheckInput) -> Verdict:
    """Full-time + part-time staff = staff."""
    return verdict([STAFF_SUM.read(ctx.report)])
