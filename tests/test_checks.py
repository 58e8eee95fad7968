"""Every planted inconsistency is flagged; consistent tables raise nothing."""


import docx
import pytest
from helpers import FIXTURES, cli, exported, find, interpreted
from sqlalchemy import text

from chiso.load.warehouse import Warehouse
from chiso.pipeline import process_file


def _codes(o):
    return {f.code for f in o.flags}


def test_change_column_that_is_not_the_difference():
    obs = exported(interpreted("sonla-sipas-2023.pdf"))
    o = find(obs, 2023, 80.74, label="Chính sách nước sinh hoạt ở địa phương")[0]
    assert "change_mismatch" in _codes(o)
    assert "+0.65" in next(f.message for f in o.flags if f.code == "change_mismatch")


def test_consistent_tables_raise_no_false_alarm_from_rounding():
    obs = exported(interpreted("sonla-sipas-2023.docx"))
    flagged = [o for o in obs if _codes(o) & {"change_mismatch", "aggregate_mismatch", "rank_of_unexpected",
                                               "value_out_of_range"}]
    assert [(o.label, o.year) for o in flagged] == [("Chính sách nước sinh hoạt ở địa phương", 2023),
                                                    ("Chính sách nước sinh hoạt ở địa phương", 2022)]


def test_par_area_that_is_not_the_sum_of_its_criteria_and_a_score_above_its_maximum():
    obs = exported(interpreted("quangtri-par-2022.docx"))
    area = find(obs, 2022, 10.25, "Quảng Trị", "Cải cách thủ tục hành chính")[0]
    assert "aggregate_mismatch" in _codes(area)
    over = find(obs, 2022, 4.75, "Quảng Trị", "Đào tạo, bồi dưỡng CBCCVC")[0]
    assert "above_max" in _codes(over)
    assert next(f.severity for f in over.flags if f.code == "above_max") == "error"
    others = [o for o in obs if o not in (area, over) and _codes(o) & {"aggregate_mismatch", "above_max"}]
    assert others == []


def test_papi_stated_previous_value_against_stated_change():
    obs = exported(interpreted("hagiang-papi-2019.docx"))
    assert all("change_mismatch" not in _codes(o) for o in obs)  # this report is consistent


def test_sentence_contradicting_its_table(tmp_path):
    d = docx.Document()
    d.add_paragraph("ỦY BAN NHÂN DÂN TỈNH ĐIỆN BIÊN")
    d.add_paragraph("Số: 12/BC-UBND")
    d.add_paragraph("BÁO CÁO Kết quả Chỉ số SIPAS năm 2024 của tỉnh Điện Biên")
    d.add_paragraph("a) Mức độ hài lòng của người dân đối với tiếp cận dịch vụ")
    d.add_paragraph("Mức độ hài lòng đạt 81,34%, xếp thứ 53/63 tỉnh, thành phố.")
    t = d.add_table(rows=3, cols=4)
    for r, row in enumerate([("Nội dung/tiêu chí", "Năm 2024", "Năm 2023", "Tăng/giảm"),
                             ("Tiếp cận dịch vụ", "81,30%", "80,25%", "+1,05%"),
                             ("1. Bộ phận Một cửa có biển hiệu, hướng dẫn rõ ràng, dễ tìm, dễ thấy", "81,30%",
                              "80,25%", "+1,05%")]):
        for c, v in enumerate(row):
            t.cell(r, c).text = v
    d.add_paragraph("b) Mức độ hài lòng của người dân đối với thủ tục hành chính")
    d.add_paragraph("Mức độ hài lòng đạt 82,17%, xếp thứ 70/63 tỉnh, thành phố.")
    d.add_paragraph("Chỉ số SIPAS 2024 tỉnh Điện Biên đạt 105,2%, xếp hạng 12/63 tỉnh, thành phố.")
    path = tmp_path / "dienbien.docx"
    d.save(path)
    res = process_file(path)
    obs = res.interpretation.observations
    group = find(obs, 2024, 81.30, label="Tiếp cận dịch vụ")[0]
    assert "text_table_conflict" in _codes(group)
    assert (group.rank, group.rank_of) == (53, 63)  # the sentence's rank still belongs to the group
    assert not find(obs, 2024, 81.34)  # the contradicting sentence value is not loaded
    assert "rank_out_of_range" in _codes(find(obs, 2024, 82.17)[0])
    # a percentage above 100 is not loaded at all; the document says what was printed, and where
    assert not find(obs, 2024, 105.2)
    withheld = [(f, src) for f, src in res.interpretation.flags if f.code == "implausible_number"]
    assert len(withheld) == 1 and "105.2%" in withheld[0][0].message and "105,2%" in withheld[0][1].snippet


def test_rank_out_of_the_wrong_number_of_provinces():
    from datetime import date

    from chiso.checks.consistency import expected_rank_of
    assert expected_rank_of(2023, date(2024, 4, 1)) == {63}
    assert expected_rank_of(2024, date(2025, 7, 15)) == {63, 34}  # re-ranked after the merger
    assert expected_rank_of(2025, date(2026, 3, 1)) == {34}
    obs = exported(interpreted("thanhhoa-cv-2025.docx"))
    assert "rank_of_unexpected" not in _codes(find(obs, 2024, 84.57)[0])


def test_conflict_between_documents_keeps_both_and_prefers_the_final_one(tmp_path):
    wh = Warehouse(f"sqlite:///{tmp_path / 'w.sqlite'}")
    for name in ("sonla-sipas-2023-draft.docx", "sonla-sipas-2023.docx"):
        assert wh.load(process_file(FIXTURES / name)) > 0
    with wh.engine.connect() as c:
        rows = c.execute(text(
            "SELECT d.source_file, o.value, o.flags FROM observation o JOIN document d ON d.id = o.document_id "
            "WHERE o.year = 2023 AND o.criterion = 'sipas.services.procedures.documents'")).all()
        assert sorted((r[0], r[1]) for r in rows) == [("sonla-sipas-2023-draft.docx", 84.6),
                                                      ("sonla-sipas-2023.docx", 84.06)]
        assert all("cross_source_conflict" in r[2] for r in rows)
        best = c.execute(text("SELECT source_file, value FROM best_observation WHERE year = 2023 AND "
                              "criterion = 'sipas.services.procedures.documents'")).all()
        assert best == [("sonla-sipas-2023.docx", 84.06)]
        agreeing = c.execute(text("SELECT count(*) FROM best_observation WHERE year = 2023 AND entity = 'Sơn La'"
                                  " AND source_file = 'sonla-sipas-2023-draft.docx'")).scalar()
        assert agreeing == 0


def test_check_command_gates_on_errors(tmp_path):
    db = f"sqlite:///{tmp_path / 'w.sqlite'}"
    wh = Warehouse(db)
    wh.load(process_file(FIXTURES / "hagiang-papi-2019.docx"))
    ok = cli("check", "--db", db)
    assert ok.returncode == 0, ok.stdout
    assert "unreadable_number" in ok.stdout
    wh.load(process_file(FIXTURES / "quangtri-par-2022.docx"))
    bad = cli("check", "--db", db)
    assert bad.returncode == 1
    assert "above_max" in bad.stdout and "quangtri-par-2022.docx" in bad.stdout


def _disagreeing_report(path, number: int, value: str) -> None:
    """One of several reports (different numbers: different documents) printing another total."""
    d = docx.Document()
    d.add_paragraph("ỦY BAN NHÂN DÂN TỈNH ĐIỆN BIÊN")
    d.add_paragraph(f"Số: {number}/BC-UBND")
    d.add_paragraph("BÁO CÁO Kết quả Chỉ số SIPAS năm 2024 của tỉnh Điện Biên")
    d.add_paragraph(f"Chỉ số SIPAS năm 2024 của tỉnh Điện Biên đạt {value}%, xếp thứ 40/63 tỉnh, thành phố.")
    d.save(path)


@pytest.mark.parametrize("k", [4, 8])
def test_k_disagreeing_documents_give_k_conflict_flags_not_pairs(tmp_path, k):
    """Each value is flagged once, naming the group it disagrees with: k flags, not k·(k−1)."""
    wh = Warehouse(f"sqlite:///{tmp_path / 'w.sqlite'}")
    for i in range(k):
        path = tmp_path / f"bc-{i}.docx"
        _disagreeing_report(path, 100 + i, f"80,{10 + i}")
        assert wh.load(process_file(path)) == 1
    with wh.engine.connect() as c:
        flags = c.execute(text("SELECT message FROM flag WHERE code = 'cross_source_conflict'")).scalars().all()
        values = c.execute(text("SELECT value FROM observation WHERE flags LIKE '%cross_source_conflict%'")).all()
    assert len(flags) == k and len(values) == k
    assert all(f"bc-{j}.docx" in " ".join(flags) for j in range(k))
    assert sorted(m.count(".docx") for m in flags) == [k - 1] * k  # each names the other k−1 documents


def test_agreeing_documents_raise_nothing_and_one_that_disagrees_names_them_all(tmp_path):
    """Five reports agree (the loader asks only their distinct values, one row); a sixth prints another
    figure: it is flagged naming all five, and each of the five names it."""
    wh = Warehouse(f"sqlite:///{tmp_path / 'w.sqlite'}")
    for i in range(5):
        _disagreeing_report(tmp_path / f"same-{i}.docx", 200 + i, "80,25")
        assert wh.load(process_file(tmp_path / f"same-{i}.docx")) == 1
    with wh.engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM flag WHERE code = 'cross_source_conflict'")).scalar() == 0
    _disagreeing_report(tmp_path / "other.docx", 300, "80,95")
    assert wh.load(process_file(tmp_path / "other.docx")) == 1
    with wh.engine.connect() as c:
        flags = c.execute(text("SELECT d.source_file, f.message FROM flag f JOIN document d ON d.id = f.document_id "
                               "WHERE f.code = 'cross_source_conflict' ORDER BY d.source_file")).all()
    assert [f for f, _ in flags] == ["other.docx"] + [f"same-{i}.docx" for i in range(5)]
    assert all(f"same-{i}.docx" in flags[0][1] for i in range(5))
    assert all("80.95 in other.docx" in message for _, message in flags[1:])


def test_disagrees_is_find_conflicts_asked_without_flagging():
    """The loader's first question (distinct values) answers as find_conflicts would flag, on values around
    the printed precision's tolerance."""
    import random

    from chiso.checks.cross_source import StoredValue, disagrees, find_conflicts
    from chiso.model import RawObservation, Source

    pick = random.Random(5)
    for _ in range(2000):
        obs = [RawObservation(index="sipas", year=2024, entity="Điện Biên", label="x", criterion="sipas.total", unit="%",
                              value=pick.choice([80.2, 80.25, 80.3, 80.0]), decimals=pick.choice([0, 1, 2]),
                              source=Source(kind="text", page=1))]
        stored = [StoredValue(k, k, "sipas", 2024, "Điện Biên", pick.choice(["Điện Biên", "Sơn La"]), "sipas.total",
                              pick.choice([80.2, 80.25, 80.3, 79.7]), pick.choice([0, 1, 2]), f"s{k}")
                  for k in range(pick.randint(0, 3))]
        values = {(s.index, s.year, s.province, s.entity, s.criterion, s.value, s.decimals) for s in stored}
        asked = disagrees(obs, values, "Điện Biên")
        assert asked == bool(find_conflicts(obs, stored, "new.docx", "Điện Biên").others)


def _agencies_decision(path, province: str, number: int, values: tuple[str, str]) -> None:
    """A province's decision on its own satisfaction survey of its agencies (a ruled table)."""
    d = docx.Document()
    d.add_paragraph(f"ỦY BAN NHÂN DÂN TỈNH {province.upper()}")
    d.add_paragraph(f"Số: {number}/QĐ-UBND")
    d.add_paragraph(f"QUYẾT ĐỊNH Công bố Chỉ số hài lòng của người dân, tổ chức đối với sự phục vụ của các sở, "
                    f"ban, ngành tỉnh {province} năm 2023")
    table = d.add_table(rows=3, cols=3)
    table.style = "Table Grid"
    for r, row in enumerate([("STT", "Cơ quan", "Chỉ số hài lòng (%)"), ("1", "Sở Tư pháp", values[0]),
                             ("2", "Sở Nội vụ", values[1])]):
        for c, cell_text in enumerate(row):
            table.cell(r, c).text = cell_text
    d.save(path)


def test_agencies_of_two_provinces_are_two_facts_and_twins_of_one_still_disagree(tmp_path):
    """Every province has a 'Sở Tư pháp': two provinces' figures for theirs are no conflict; two documents of
    one province that print other figures for the same agency are."""
    wh = Warehouse(f"sqlite:///{tmp_path / 'w.sqlite'}")
    for name, province, number, values in [("a.docx", "Điện Biên", 11, ("91,20", "89,50")),
                                           ("b.docx", "Sơn La", 12, ("87,35", "88,10")),
                                           ("c.docx", "Điện Biên", 13, ("91,20", "90,05"))]:
        _agencies_decision(tmp_path / name, province, number, values)
        assert wh.load(process_file(tmp_path / name)) == 2
    with wh.engine.connect() as c:
        rows = c.execute(text("SELECT o.province, o.entity, o.value FROM observation o "
                              "WHERE o.flags LIKE '%cross_source_conflict%' ORDER BY o.value")).all()
        messages = c.execute(text("SELECT message FROM flag WHERE code = 'cross_source_conflict'")).scalars().all()
    assert [tuple(r) for r in rows] == [("Điện Biên", "Sở Nội vụ", 89.5), ("Điện Biên", "Sở Nội vụ", 90.05)]
    assert all("b.docx" not in m for m in messages)
