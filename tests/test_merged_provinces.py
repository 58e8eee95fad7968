"""Reports of a province merged in July 2025 on its old provinces' figures (laocai-moi-par-2024 end to end)."""

from __future__ import annotations

import pytest

from chiso.interpret.old_provinces import old_province_lead, old_province_of
from chiso.interpret.tables.columns import place_of
from chiso.model import DocumentMeta

AFTER = DocumentMeta(province="Lào Cai", date="2025-08-15")
BEFORE = DocumentMeta(province="Lào Cai", date="2025-05-20")


@pytest.mark.parametrize(("heading", "meta", "entity"), [
    ("1. Tỉnh Lào Cai (cũ)", AFTER, "Lào Cai"),
    ("2. Tỉnh Yên Bái (cũ)", AFTER, "Yên Bái"),
    ("b) Đối với tỉnh Yên Bái cũ:", AFTER, "Yên Bái"),
    ("2. Tỉnh Yên Bái", AFTER, "Yên Bái"),  # merged into the issuer's province, report after the merger
    ("2. Tỉnh Yên Bái", BEFORE, None),  # before the merger: another province, not a section of this one
    ("2. Tỉnh Sơn La", AFTER, None),  # not merged into Lào Cai
    ("II. KẾT QUẢ CHỈ SỐ CCHC NĂM 2024 CỦA TỈNH", AFTER, None),
])
def test_a_heading_on_an_old_province_names_the_entity_of_its_section(heading, meta, entity):
    assert old_province_of(heading, meta) == entity


@pytest.mark.parametrize(("header", "place"), [
    ("tỉnh yên bái (cũ)", "Yên Bái"),
    ("Tỉnh Yên Bái (trước hợp nhất)", "Yên Bái"),
    ("tỉnh", None),
    ("tỉnh, thành phố", None),
])
def test_an_old_province_column_is_that_province(header, place):
    assert place_of(header) == place


@pytest.mark.parametrize(("text", "entity"), [
    ("- Tỉnh Yên Bái (cũ): Chỉ số CCHC năm 2024 đạt 85,76/100 điểm", "Yên Bái"),
    ("Đối với tỉnh Yên Bái (cũ), Chỉ số CCHC năm 2024 đạt 85,76/100 điểm", "Yên Bái"),
    ("- Tỉnh Sơn La: Chỉ số CCHC năm 2024 đạt 85,76/100 điểm", None),
    ("- Cải cách thể chế: đạt 7,9/9 điểm", None),
])
def test_a_lead_in_on_an_old_province_names_the_entity_of_its_paragraph(text, entity):
    assert old_province_lead(text, AFTER) == entity
