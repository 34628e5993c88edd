"""Parsers of the 2019 and 2021 template tables (表二, 表三, 表四).

Each takes the whole normalized text, the span of the table's section (its
heading up to the next top-level heading; a wider span, even the whole text,
still works) and the template, and returns the figures with a
:class:`schemas.TableInfo` saying how the table was read. Every figure's
evidence is a verbatim substring of the text; nothing is guessed.

Layers, bottom up: :mod:`.scan` (rows and cells out of any layout),
:mod:`.digits` (splitting digit runs), :mod:`.fit` (cells to columns),
:mod:`.grid` (known cells, identities, Quantities), then one module per table.
"""

from extract.tables.appeals import parse_appeals_table
from extract.tables.matrix import parse_request_table
from extract.tables.proactive import parse_proactive_table

__all__ = ["parse_appeals_table", "parse_proactive_table", "parse_request_table"]
