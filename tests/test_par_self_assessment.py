"""A province's self-assessment of its PAR INDEX (fixtures/hatinh-par-tdg-2024): every figure of its annex is the
province's own score, so it is read as the self-assessed measure (never exported as the index), three levels deep,
with the maximum of each row, the total row written across the table included; last year's official result in
the prose is the one value."""

import pytest
from helpers import expected, exported, find, interpreted

NAMES = ["hatinh-par-tdg-2024.docx", "hatinh-par-tdg-2024.pdf"]


def _self_assessed(name):
    return [o for o in interpreted(name).observations if o.measure == "self_assessed"]


@pytest.mark.parametrize("name", NAMES)
def test_every_self_assessed_row_is_read_with_its_maximum(name):
    got = _self_assessed(name)
    used: set[int] = set()
    for w in expected(name)["self_assessed"]:
        cands = [o for o in find(got, w["year"], w["value"], w["entity"], w["label"]) if id(o) not in used]
        assert cands, f"missing {w['label']!r} = {w['value']}/{w['max']}"
        used.add(id(cands[0]))
        assert cands[0].max == w["max"], w["label"]
        assert cands[0].source.kind == "table", w["label"]


@pytest.mark.parametrize("name", NAMES)
def test_the_total_across_the_table_is_the_self_assessed_total(name):
    totals = [o for o in _self_assessed(name) if o.source.kind == "table" and o.label == "Tổng điểm tự đánh giá"]
    assert [(o.value, o.max, o.year) for o in totals] == [(60.25, 66.5, 2024)]


@pytest.mark.parametrize("name", NAMES)
def test_nothing_self_assessed_and_no_note_is_exported(name):
    values = exported(interpreted(name))
    assert [(o.year, o.value, o.max, o.rank, o.rank_of) for o in values] == [(2023, 86.17, 100.0, 24, 63)]
    everything = interpreted(name).observations
    assert not [o for o in everything if o.value in (71.88, 32.0, 1.5) and o.source.kind == "text"]
    assert not [o for o in everything if o.value in (15.0, 12.0, 2024.0)]  # 'QĐ số 15/QĐ-UBND ngày 12/01/2024'
