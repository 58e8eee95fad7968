"""The province's own satisfaction survey of its districts (tiengiang-sipas-huyen-2024): a borderless table
whose unit names open lower case ('huyện …', 'thị xã …'), one wrapped round its centred values, and the
previous year's average cited after a short form of the subject stated earlier."""

from __future__ import annotations

import pytest
from helpers import FIXTURES, exported, find, interpreted

from chiso.extract.reader import read_document
from chiso.match.matching import assign_criteria
from chiso.model import Table

STEM = "tiengiang-sipas-huyen-2024"


def test_wrapped_lower_case_unit_name_stays_whole_in_the_pdf():
    doc = read_document(FIXTURES / f"{STEM}.pdf", "x")
    table = next(b for b in doc.blocks if isinstance(b, Table) and b.origin == "borderless")
    names = [row[1].text.replace("\n", " ") for row in table.grid[1:]]
    assert names[8:] == ["huyện Gò Công Tây", "huyện Gò Công Đông", "huyện Tân Phú Đông"]
    assert len(names) == 11


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_previous_year_average_after_a_short_form_of_the_subject(fmt):
    obs = exported(interpreted(f"{STEM}.{fmt}"))
    prev = find(obs, 2023, 84.97, "Tiền Giang")
    assert len(prev) == 1 and prev[0].is_total
    assert find(obs, 2024, 86.45, "Tiền Giang")[0].label == prev[0].label
    assert not find(obs, 2023, 1.48) and not find(obs, 2024, 1.48)  # the change is no value


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_the_results_column_beside_the_overall_index_is_the_results_group(fmt):
    """'Tiếp cận dịch vụ | … | Kết quả | Tiếp nhận, xử lý góp ý | Chỉ số hài lòng chung': a bare 'Kết quả' among
    other figures is the group 'Kết quả dịch vụ', not the index (which had folded two figures into one fact)."""
    interp = interpreted(f"{STEM}.{fmt}")
    assign_criteria(interp, None)
    results = [o for o in interp.observations if o.label == "Kết quả"]
    overall = [o for o in interp.observations if o.label == "Chỉ số hài lòng chung"]
    assert len(results) == len(overall) == 11
    assert {(o.criterion, o.is_total) for o in results} == {("sipas.services.results", False)}
    assert {o.criterion for o in overall} == {"sipas.total"}
