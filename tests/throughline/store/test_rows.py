"""Every field of a domain type is stored in a column of its table, or the mapping says
why not: a field added later fails here instead of vanishing from the read model."""

from __future__ import annotations

import pytest

from throughline.store.rows import MAPPINGS, RowMapping
from throughline.store.sql import table_of


@pytest.mark.parametrize("mapping", MAPPINGS, ids=lambda m: m.domain.__name__)
def test_every_field_has_a_column_or_a_reason(mapping: RowMapping) -> None:
    fields = set(mapping.domain.model_fields)
    accounted = set(mapping.columns) | set(mapping.not_stored)
    assert fields - accounted == set(), f"{mapping.domain.__name__} fields with no column"
    assert accounted - fields == set(), "the mapping names fields the type no longer has"
    assert set(mapping.columns) & set(mapping.not_stored) == set()


@pytest.mark.parametrize("mapping", MAPPINGS, ids=lambda m: m.domain.__name__)
def test_every_column_named_exists(mapping: RowMapping) -> None:
    columns = {c.name for c in table_of(mapping.table).columns}
    assert set(mapping.columns.values()) <= columns
