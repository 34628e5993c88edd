"""year_consistency: title year, body year, introduction year, period and publish date agree."""

from __future__ import annotations

from extract.checks.registry import CheckInput, Verdict, check
from schemas import Meta

LATEST_MONTH_DAY = "06-30"
"""A report may appear up to 30 June of the second year after its statistics year (~1.5 y)."""
EARLIEST_MONTH_DAY = "12-01"
"""Without a stated period end, a report may not appear before 1 December of its year."""


def intro_year(meta: Meta) -> int | None:
    """The year the introduction says the report covers ("特向社会公布2018年度…年度报告").

    Read from ``meta.intro_year``, a field proposed for the schema; None until it exists.
    """
    value = getattr(meta, "intro_year", None)
    return value if isinstance(value, int) else None


def _years(meta: Meta) -> list[tuple[str, str, int]]:
    """(path, label, year) for each statement of the report's year, the body's first."""
    claims = (
        ("meta.report_year", "正文统计年度", meta.report_year),
        ("meta.title_year", "标题年度", meta.title_year),
        ("meta.intro_year", "引言年度", intro_year(meta)),
    )
    return [(path, label, year) for path, label, year in claims if year is not None]


def _date_problems(meta: Meta, year: int, year_path: str) -> tuple[list[str], list[str], int]:
    """(messages, field paths, number of dates compared) of the period and publish date."""
    messages: list[str] = []
    paths: list[str] = []
    compared = 0
    for path, label, date in (
        ("meta.period_start", "统计期起", meta.period_start),
        ("meta.period_end", "统计期止", meta.period_end),
    ):
        if date is not None:
            compared += 1
            if int(date[:4]) != year:
                messages.append(f"{label}{date} is outside the report year {year}")
                paths += [path, year_path]
    if meta.period_start and meta.period_end and meta.period_start > meta.period_end:
        messages.append(f"统计期起{meta.period_start} is after 统计期止{meta.period_end}")
        paths += ["meta.period_start", "meta.period_end"]
    if meta.publish_date is not None:
        compared += 1
        earliest = meta.period_end or f"{year}-{EARLIEST_MONTH_DAY}"
        latest = f"{year + 2}-{LATEST_MONTH_DAY}"
        if meta.publish_date < earliest:
            end = f"统计期止{meta.period_end}" if meta.period_end else f"the end of {year}"
            messages.append(f"发布日期{meta.publish_date} is before {end}")
            paths += ["meta.publish_date", year_path]
        elif meta.publish_date > latest:
            messages.append(
                f"发布日期{meta.publish_date} is more than 1.5 years after the report year {year}"
            )
            paths += ["meta.publish_date", year_path]
    return messages, paths, compared


@check("year_consistency")
def year_consistency(ctx: CheckInput) -> Verdict:
    """Body year = title year = introduction year; period inside it; published after it."""
    meta = ctx.report.meta
    years = _years(meta)
    if not years:
        return Verdict("skipped", "no report year stated")
    (year_path, year_label, year), *others = years
    messages: list[str] = []
    paths: list[str] = []
    for path, label, claimed in others:
        if claimed != year:
            messages.append(f"{label}{claimed} ≠ {year_label}{year}")
            paths += [path, year_path]
    date_messages, date_paths, compared = _date_problems(meta, year, year_path)
    messages += date_messages
    paths += date_paths
    compared += len(others)
    if messages:
        return Verdict("fail", "; ".join(messages), tuple(dict.fromkeys(paths)))
    if not compared:
        return Verdict("skipped", f"only the year {year} is stated; nothing to compare it with")
    return Verdict("pass", f"{year_label}{year} agrees with {compared} other date statements")
