"""Checks every process section's test runs: each figure's drill-down lists as many rows
as the figure counts, every column of the list reads, and the section survives JSON."""

import json

from reports import drill
from reports.definitions import Section


def _read(obj, path):
    for part in path.split("__"):
        if obj is None:
            return None
        obj = getattr(obj, part)
        if callable(obj):
            obj = obj()
    return obj


def check_drill(d, expected):
    source = drill.source(d.key)
    assert source is not None, f"drill key {d.key} is not registered"
    rows = list(source.records(d.params))
    assert len(rows) == expected, f"{d.key} {d.params}: {len(rows)} rows, figure says {expected}"
    for row in rows[:5]:
        for path, _label in source.columns:
            _read(row, path)
        if source.url:
            assert source.url(row)


def check_section(section: Section) -> Section:
    for figure in section.figures:
        if figure.drill is not None:
            if figure.unit == "count":
                check_drill(figure.drill, figure.value)
            elif figure.count is not None:
                check_drill(figure.drill, figure.count)
        if figure.base_drill is not None:
            check_drill(figure.base_drill, figure.base)
    for table in section.tables:
        assert all(len(row) == len(table.columns) for row in table.rows), table.key
        assert not table.row_drills or len(table.row_drills) == len(table.rows), table.key
    frozen = Section.from_json(json.loads(json.dumps(section.to_json())))
    assert frozen == section
    return section


def figure(section: Section, key: str):
    return next(f for f in section.figures if f.key == key)
