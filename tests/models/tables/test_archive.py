"""The archive's table: each run once, a column for every field the archive reports of a
run, and the history kept as bytes: models/tables/archive.py."""

from __future__ import annotations

from sqlalchemy import LargeBinary, UniqueConstraint

from models.archive import ArchivedRun
from models.tables import HistoryArchiveRow
from throughline.store.sql import table_of


def test_every_field_of_an_archived_run_is_a_column_and_the_history_besides() -> None:
    columns = {column.name for column in table_of(HistoryArchiveRow).columns}
    assert columns == set(ArchivedRun.model_fields) | {"history"}


def test_a_run_is_archived_once_and_its_history_is_bytes() -> None:
    table = table_of(HistoryArchiveRow)
    unique = [c for c in table.constraints if isinstance(c, UniqueConstraint)]
    assert [sorted(col.name for col in c.columns) for c in unique] == [["run_id", "workflow_id"]]
    assert isinstance(table.columns["history"].type, LargeBinary)
    assert not table.columns["history"].nullable
    assert table.columns["change_id"].nullable
