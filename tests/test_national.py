"""National data files (PAPI, PCI) as sources of their own kind: recognised by content, read sheet by
sheet, every province resolved, every criterion coded as in provincial reports.

Two kinds of tests:
- the real published files in the shared reference folder (CHISO_REFERENCE, default
  /work/shared/reference): every PCI file 2005-2016 (one test per layout family), PAPI 2011-2016
  (every sheet) and PAPI 2017-2024 (CSV). Values were checked by hand against the cells named in
  the comments (sheet, A1 reference);
- real-format workbooks and CSV written here (openpyxl; .xls through LibreOffice), for the rules
  themselves: blanks, summary rows, years, limits, bad files.
"""

from __future__ import annotations

import csv
import os
import shutil
import sqlite3
import subprocess
from collections import defaultdict
from functools import cache
from pathlib import Path

import openpyxl
import pytest
from helpers import FIXTURES, cli

import chiso.extract.spreadsheet as spreadsheet
from chiso.db.catalogue import catalogue
from chiso.db.reference import provinces
from chiso.extract.detect import sniff
from chiso.interpret.national import column_rules
from chiso.load.warehouse import Warehouse
from chiso.match.matching import apply_aliases, match_label
from chiso.normalize.text import match_key
from chiso.pipeline import process_file

REF = Path(os.environ.get("CHISO_REFERENCE", "/work/shared/reference"))
needs_reference = pytest.mark.skipif(not (REF / "pci").is_dir(), reason=f"national reference files not in {REF}")
# rows of the published files that are not provinces (a sheet's max/min, a focus province's ranks)
SUMMARY_ROWS = {"Điểm cao nhất", "MIN", "MAX", "Xếp hạng", "Thứ tự", "Ranking"}


@cache
def national(name: str):
    result = process_file(REF / name)
    assert result.ok, result.error
    return result


def obs_at(result, year: int, entity: str, code: str):
    found = [o for o in result.interpretation.observations
             if o.year == year and o.entity == entity and o.criterion == code]
    assert len(found) == 1, (year, entity, code, found)
    return found[0]


def provinces_by_year(result) -> dict[int, set[str]]:
    out: dict[int, set[str]] = defaultdict(set)
    for o in result.interpretation.observations:
        out[o.year].add(o.entity)
    return out


def codes_by_year(result) -> dict[int, set[str]]:
    out: dict[int, set[str]] = defaultdict(set)
    for o in result.interpretation.observations:
        out[o.year].add(o.criterion)
    return out


def not_provinces(result) -> set[str]:
    return {src.snippet for f, src in result.interpretation.flags if f.code == "not_a_province"}


PCI_10 = {"pci.entry_costs", "pci.land_access", "pci.transparency", "pci.time_costs", "pci.informal_charges",
          "pci.proactivity", "pci.business_support", "pci.labor_training", "pci.legal_institutions", "pci.total"}


# --- the published PCI files, by layout family ------------------------------------------------------------

@needs_reference
def test_pci_2005_first_edition_summary_and_ranking_sheets_year_from_the_file_name():
    r = national("pci/PCI_2005.xls")
    assert r.format == "xls"
    meta = r.interpretation.meta
    assert (meta.source_kind, meta.province, meta.doc_type, meta.indices, meta.report_year) == \
        ("national_dataset", None, "DATA", ["PCI"], 2005)
    assert len(provinces_by_year(r)[2005]) == 42  # the pilot edition covered 42 provinces
    assert codes_by_year(r)[2005] == {"pci.entry_costs", "pci.land_access", "pci.transparency", "pci.time_costs",
                                      "pci.informal_charges", "pci.central_policy", "pci.soe_bias",
                                      "pci.proactivity", "pci.business_support", "pci.total"}
    # 'Bảng tóm tắt chỉ số' F3 (Cần Thơ, Chi phí gia nhập thị trường) and O3 (PCI có trọng số)
    entry = obs_at(r, 2005, "Cần Thơ", "pci.entry_costs")
    assert entry.value == 6.127855759870587 and entry.label == "Chi phí gia nhập thị trường"
    assert (entry.source.kind, entry.source.sheet, entry.source.row, entry.source.col) == \
        ("sheet", "Bảng tóm tắt chỉ số", 2, 5)
    # 'Xếp hạng theo chỉ số PCI' B2/C2: Bình Dương 76.81896532924489, rank 1; the same total on the summary sheet
    top = obs_at(r, 2005, "Bình Dương", "pci.total")
    assert (top.value, top.rank, top.rank_of, top.is_total) == (76.81896532924489, 1, None, True)
    assert {s.sheet for s in [top.source, *top.also_at]} == {"Xếp hạng theo chỉ số PCI", "Bảng tóm tắt chỉ số"}
    assert obs_at(r, 2005, "Cần Thơ", "pci.total").value == 61.294820242450996  # summary O3
    assert any("2005 taken from the file name" in w for w in r.warnings)
    assert any("'Vùng'" in w and "not loaded" in w for w in r.warnings)  # region and initial conditions


@needs_reference
def test_pci_2006_english_over_vietnamese_headers_64_provinces_with_ha_tay():
    r = national("pci/PCI_2006.xls")
    assert len(provinces_by_year(r)[2006]) == 64 and "Hà Tây" in provinces_by_year(r)[2006]
    assert codes_by_year(r)[2006] == PCI_10 | {"pci.soe_bias"}
    # 'PCI Tóm tắt' C3, H3, M3 (Bình Dương)
    assert obs_at(r, 2006, "Bình Dương", "pci.entry_costs").value == 8.492639795146804
    soe = obs_at(r, 2006, "Bình Dương", "pci.soe_bias")
    assert soe.value == 7.241396398955354 and soe.label == "Ưu đãi đối với DNNN (Môi trường cạnh tranh)"
    total = obs_at(r, 2006, "Bình Dương", "pci.total")
    assert total.value == 76.23340820540244 and total.rank is None  # column A is a position without a header
    assert not_provinces(r) == {"MIN", "MAX"}


@pytest.mark.parametrize("name, year, provinces, codes, rank_cell", [
    # 'Tóm tắt các chỉ số PCI ' B2/E2/P2: Bình Dương rank 1, entry 7.945427, PCI 77.19708
    ("pci/PCI_2007.xls", 2007, 64, PCI_10 | {"pci.soe_bias"}, ("Bình Dương", 1, "pci.entry_costs", 7.945427,
                                                               77.19708)),
    # 'Tong Hop' B4/D4/M4: Hà Nội rank 33 (the rank column is left of the province column)
    ("pci/PCI_2009.xls", 2009, 63, PCI_10, ("Hà Nội", 33, "pci.entry_costs", 8.351827, 58.17699)),
])
@needs_reference
def test_pci_one_province_column_with_a_rank_column(name, year, provinces, codes, rank_cell):
    r = national(name)
    assert len(provinces_by_year(r)[year]) == provinces
    assert codes_by_year(r)[year] == codes
    entity, rank, code, value, total = rank_cell
    assert obs_at(r, year, entity, code).value == value
    o = obs_at(r, year, entity, "pci.total")
    assert (o.value, o.rank) == (total, rank)
    assert sum(1 for o in r.interpretation.observations if o.rank is not None) == provinces
    assert not [o for o in r.interpretation.observations if o.flags]


@pytest.mark.parametrize("name, year, provinces, codes, checks", [
    # 'Tổng hợp' C3 (Đà Nẵng entry), E3 (Đồng Tháp land), Y3 (Đà Nẵng PCI), X57/Y57 (Hà Tây PCI); no rank column
    ("pci/PCI_2008.xls", 2008, 64, PCI_10 | {"pci.soe_bias"},
     [("Đà Nẵng", "pci.entry_costs", 9.360684, None), ("Đồng Tháp", "pci.land_access", 8.054104, None),
      ("Đà Nẵng", "pci.total", 72.18393, None), ("Hà Tây", "pci.total", 45.09365, None)]),
    # 'Tong hop' B2/C2 'Quang Tri' 8.11149, V2/W2/Y2 'Da Nang' 69.765929 rank 1: names without diacritics
    ("pci/PCI_2010.xls", 2010, 63, PCI_10,
     [("Quảng Trị", "pci.entry_costs", 8.11149, None), ("Đà Nẵng", "pci.total", 69.765929, 1)]),
    # 'Tong hop' C2 (Lào Cai), U2/W2 (Lào Cai 73.53, rank 1)
    ("pci/PCI_2011.xls", 2011, 63, PCI_10,
     [("Lào Cai", "pci.entry_costs", 9.405218, None), ("Lào Cai", "pci.total", 73.53, 1)]),
    # 'Tong hop' C2 (Bình Định), U2/W2 (Đồng Tháp 63.79096, rank 1)
    ("pci/PCI_2012.xlsx", 2012, 63, PCI_10,
     [("Bình Định", "pci.entry_costs", 9.598186, None), ("Đồng Tháp", "pci.total", 63.79096, 1)]),
    # 'Summary_VN' C2 (Trà Vinh), M2 (Kiên Giang, Cạnh tranh bình đẳng), W2/X2 (Đà Nẵng 66.45338, rank 1)
    ("pci/PCI_2013.xlsx", 2013, 63, PCI_10 | {"pci.policy_bias"},
     [("Trà Vinh", "pci.entry_costs", 9.468455, None), ("Kiên Giang", "pci.policy_bias", 8.193955, None),
      ("Đà Nẵng", "pci.total", 66.45338, 1)]),
    # 'Summary_VN' C2 (Đồng Tháp, a float32 export), W2/X2 (Đà Nẵng 66.86679, rank 1)
    ("pci/PCI_2014.xlsx", 2014, 63, PCI_10 | {"pci.policy_bias"},
     [("Đồng Tháp", "pci.entry_costs", 9.37169647216797, None), ("Đà Nẵng", "pci.total", 66.86679, 1)]),
    # 'Summary_VN' C2 (Hậu Giang), W2/X2 (Đà Nẵng, rank 1)
    ("pci/PCI_2015.xlsx", 2015, 63, PCI_10 | {"pci.policy_bias"},
     [("Hậu Giang", "pci.entry_costs", 9.230436325073242, None), ("Đà Nẵng", "pci.total", 68.33521270751953, 1)]),
    # 'Summary_VN' C2 (Quảng Ninh), M2 (Sóc Trăng), W2/X2 (Đà Nẵng, rank 1)
    ("pci/PCI_2016.xlsx", 2016, 63, PCI_10 | {"pci.policy_bias"},
     [("Quảng Ninh", "pci.entry_costs", 9.283225059509277, None),
      ("Sóc Trăng", "pci.policy_bias", 6.911299705505371, None), ("Đà Nẵng", "pci.total", 70.00139617919922, 1)]),
])
@needs_reference
def test_pci_each_sub_index_sorted_with_its_own_province_column(name, year, provinces, codes, checks):
    r = national(name)
    assert set(provinces_by_year(r)) == {year}
    assert len(provinces_by_year(r)[year]) == provinces
    assert codes_by_year(r)[year] == codes
    assert len(r.interpretation.observations) == provinces * len(codes)  # one per province × criterion
    for entity, code, value, rank in checks:
        o = obs_at(r, year, entity, code)
        assert (o.value, o.rank) == (value, rank), (entity, code)
    assert not_provinces(r) <= SUMMARY_ROWS
    assert not [o for o in r.interpretation.observations if o.flags]


@needs_reference
def test_pci_2013_english_summary_repeats_the_vietnamese_one_and_later_copies_are_leftovers():
    r13 = national("pci/PCI_2013.xlsx")
    o = obs_at(r13, 2013, "Đà Nẵng", "pci.total")  # Summary_VN W2 and Summary W2: the same 66.45338
    assert {s.sheet for s in [o.source, *o.also_at]} == {"Summary_VN", "Summary"}
    assert obs_at(r13, 2013, "Hồ Chí Minh", "pci.business_support").value == 7.141591  # 'Tp.HCM' / 'HCMC'
    assert obs_at(r13, 2013, "Thừa Thiên Huế", "pci.total").rank == 2  # 'TT- Huế' / 'TT-Hue'
    for name, year in [("pci/PCI_2014.xlsx", 2014), ("pci/PCI_2016.xlsx", 2016)]:
        r = national(name)  # its English 'Summary' sheet still holds PCI 2013 (header 'PCI 2013')
        assert set(provinces_by_year(r)) == {year}
        assert any("'Summary' gives PCI 2013" in w for w in r.warnings)


# --- PAPI -----------------------------------------------------------------------------------------------

@needs_reference
def test_papi_2011_2016_every_sheet_a_year():
    r = national("papi/PAPI_2011-2016.xlsx")
    by_year = provinces_by_year(r)
    assert sorted(by_year) == [2011, 2012, 2013, 2014, 2015, 2016]
    assert {y: len(p) for y, p in by_year.items()} == {2011: 63, 2012: 63, 2013: 63, 2014: 61, 2015: 63, 2016: 63}
    assert r.interpretation.meta.report_year == 2016
    # '2011_PAPI' D3, E3, AF3 (Hà Nội)
    d1 = obs_at(r, 2011, "Hà Nội", "papi.participation")
    assert d1.value == 5.76248 and d1.label == "Tham gia của người dân ở cấp cơ sở"  # the Vietnamese header line
    assert obs_at(r, 2011, "Hà Nội", "papi.participation.civic_knowledge").value == 1.26411
    assert obs_at(r, 2011, "Hà Nội", "papi.total").value == 36.40502
    # '2016_PAPI' AF3 and P3; O3 'Đáp ứng kiến nghị của người dân' is not in the catalogue: not loaded
    assert obs_at(r, 2016, "Hà Nội", "papi.total").value == 33.80596113204956
    assert obs_at(r, 2016, "Hà Nội", "papi.accountability.people_inspection").value == 1.1762458086013794
    assert any("'Đáp ứng kiến nghị của người dân'" in w for w in r.warnings)
    # 2014: Bắc Giang and Đồng Tháp rows are blank with a total of 0 (an empty sum): nothing loaded, flagged
    assert {"Bắc Giang", "Đồng Tháp"}.isdisjoint(by_year[2014])
    zeros = [f.message for f, _ in r.interpretation.flags if f.code == "blank_total_zero"]
    assert len(zeros) == 2 and any(m.startswith("Bắc Giang 2014") for m in zeros)
    assert not_provinces(r) == {"Điểm cao nhất"}
    # dimensions are the sums of their sub-dimensions and the total the sum of the dimensions: no false alarm
    assert not [o for o in r.interpretation.observations if o.flags]


@needs_reference
def test_papi_2017_2024_csv_blanks_and_recomputed_ranks():
    r = national("papi/papi_2017_2024_provinces.csv")
    assert r.format == "csv"
    counts = {y: len(p) for y, p in provinces_by_year(r).items()}
    assert counts == {2017: 63, 2018: 63, 2019: 63, 2020: 63, 2021: 60, 2022: 63, 2023: 61, 2024: 61}
    totals = {(o.year, o.entity) for o in r.interpretation.observations if o.criterion == "papi.total"}
    for year, entity in [(2023, "Quảng Ninh"), (2023, "Bình Dương"), (2024, "Vĩnh Phúc"), (2024, "Tiền Giang")]:
        assert (year, entity) not in totals  # blank in the source: no observation, not a zero
    assert codes_by_year(r)[2017] == {"papi.participation", "papi.transparency", "papi.accountability",
                                      "papi.anti_corruption", "papi.admin_procedures", "papi.public_services",
                                      "papi.total"}
    assert "papi.e_governance" in codes_by_year(r)[2018]
    # line 2: Hà Giang 2017, D1 5.023411, total_papi 33.972294, rank 61; line 381: Hà Giang 2023, 44.24793, rank 11
    assert obs_at(r, 2017, "Hà Giang", "papi.participation").value == 5.023411
    o = obs_at(r, 2017, "Hà Giang", "papi.total")
    assert (o.value, o.rank, o.measure) == (33.972294, 61, "value")
    assert [(f.code, f.severity) for f in o.flags] == [("rank_recomputed", "info")]
    assert obs_at(r, 2023, "Hà Giang", "papi.total").rank == 11
    ranked = [o for o in r.interpretation.observations if o.rank is not None]
    assert len(ranked) == 493 and all(o.criterion == "papi.total" for o in ranked)
    assert all([f.code for f in o.flags] == ["rank_recomputed"] for o in ranked)
    assert not [o for o in r.interpretation.observations if o.flags and o.rank is None]  # sums hold: no flag


@needs_reference
def test_every_name_in_every_file_is_resolved():
    names = ["papi/PAPI_2011-2016.xlsx", "papi/papi_2017_2024_provinces.csv"] + \
        [f"pci/PCI_{y}.{'xls' if y < 2012 else 'xlsx'}" for y in range(2005, 2017)]
    for name in names:
        r = national(name)
        assert not_provinces(r) <= SUMMARY_ROWS, name  # only max/min/rank rows, never a province
        entities = {o.entity for o in r.interpretation.observations}
        assert entities <= {p.name for p in provinces()}, name  # canonical names only
        assert {"Hồ Chí Minh", "Thừa Thiên Huế", "Bà Rịa - Vũng Tàu"} <= entities, name  # TP.HCM, TT-Huế, BRVT


@needs_reference
def test_national_codes_are_the_codes_of_provincial_reports():
    papi = national("papi/PAPI_2011-2016.xlsx")
    for label in ["Tham gia của người dân ở cấp cơ sở", "Kiểm soát tham nhũng trong khu vực công", "Y tế công lập"]:
        report = match_label("PAPI", 2015, label, None)
        assert report.status == "accepted"
        assert {o.criterion for o in papi.interpretation.observations if o.year == 2015 and o.label == label} == \
            {report.code}
    pci = national("pci/PCI_2016.xlsx")
    for label in ["Tính minh bạch", "Chi phí không chính thức", "Đào tạo lao động"]:
        report = match_label("PCI", 2016, label, None)
        assert {o.criterion for o in pci.interpretation.observations if o.label == label} == {report.code}
    assert not [o for o in pci.interpretation.observations if o.match_score is not None]  # not re-matched


# --- the rules, on workbooks written here ------------------------------------------------------------------

def write_pci_workbook(path: Path) -> Path:
    """A PCI summary as a province might keep it: a title row, a header with the publisher's numbering,
    names with and without diacritics, Hà Tây (2007), a blank cell and an average row."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Xếp hạng"
    ws.append(["Bảng 2. Chỉ số năng lực cạnh tranh cấp tỉnh"])
    ws.append(["Tỉnh, thành phố", "Chỉ số thành phần 1: Chi phí gia nhập thị trường", "Tính minh bạch",
               "Chỉ số PCI 2007 đã có trọng số", "Xếp hạng"])
    ws.append(["Hà Tây", 6.5, 5.25, 55.1, 3])
    ws.append(["Ha Noi", 7.0, None, 60.2, 1])
    ws.append(["TP. Hồ Chí Minh", 8.0, 6.0, 58.0, 2])
    ws.append(["Thua Thien Hue", 5.5, 5.0, 50.0, 4])
    ws.append(["Trung bình", 6.75, 5.42, 55.83, None])
    notes = wb.create_sheet("Ghi chú")
    notes.append(["Nguồn: VCCI"])
    wb.save(path)
    return path


def test_a_workbook_is_recognised_by_content_and_read_cell_by_cell(tmp_path):
    path = write_pci_workbook(tmp_path / "bang-xep-hang.bin")  # the name says nothing
    assert sniff(path.read_bytes()) == ("xlsx", None)
    r = process_file(path)
    assert r.ok, r.error
    meta = r.interpretation.meta
    assert (meta.source_kind, meta.province, meta.doc_type, meta.indices, meta.report_year) == \
        ("national_dataset", None, "DATA", ["PCI"], 2007)
    obs = {(o.entity, o.criterion): o for o in r.interpretation.observations}
    assert set(obs) == {(p, c) for p in ("Hà Tây", "Hà Nội", "Hồ Chí Minh", "Thừa Thiên Huế")
                        for c in ("pci.entry_costs", "pci.transparency", "pci.total")} - {("Hà Nội", "pci.transparency")}
    entry = obs[("Hà Tây", "pci.entry_costs")]
    assert (entry.value, entry.label, entry.source.sheet, entry.source.row, entry.source.col) == \
        (6.5, "Chỉ số thành phần 1: Chi phí gia nhập thị trường", "Xếp hạng", 2, 1)
    assert (obs[("Hà Nội", "pci.total")].value, obs[("Hà Nội", "pci.total")].rank) == (60.2, 1)
    assert [f.message for f, _ in r.interpretation.flags if f.code == "not_a_province"] == \
        ["sheet 'Xếp hạng' row 7: 'Trung bình' is not a province (a summary row?): its figures are not loaded"]
    assert any("'Ghi chú'" in w for w in r.warnings)


def test_a_papi_workbook_of_the_eight_dimension_era_is_read_by_catalogue_names(tmp_path):
    """Headers national_columns.csv does not list are taken when they are exactly a catalogue name of
    the year's period (as reports print them); the year is in the sheet name."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "2019"
    ws.append(["Tỉnh/Thành phố", "Tham gia của người dân ở cấp cơ sở",
               "Công khai, minh bạch trong việc ra quyết định ở địa phương", "Tiếp cận thông tin",
               "Environmental Governance", "Quản trị điện tử", "Chỉ số PAPI 2019", "Ghi chú"])
    ws.append(["Lai Châu", 5.02, 5.11, 1.23, 3.3, 2.1, 41.5, "khảo sát lại"])
    ws.append(["Điện Biên", 4.91, 5.0, 1.2, 3.1, 1.9, 40.2, None])
    ws.append(["Sơn La", 4.85, 4.96, 1.18, 3.4, 2.0, 40.9, None])
    wb.save(tmp_path / "papi-2019.xlsx")
    r = process_file(tmp_path / "papi-2019.xlsx")
    assert r.ok, r.error
    assert r.interpretation.meta.report_year == 2019 and r.interpretation.meta.indices == ["PAPI"]
    lai_chau = {o.criterion: o.value for o in r.interpretation.observations if o.entity == "Lai Châu"}
    assert lai_chau == {"papi.participation": 5.02, "papi.transparency": 5.11,
                        "papi.transparency.information_access": 1.23, "papi.environment": 3.3,
                        "papi.e_governance": 2.1, "papi.total": 41.5}
    assert any("'Ghi chú'" in w for w in r.warnings)


def test_an_excel_97_workbook_is_told_from_a_word_document(tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    garbage_ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096
    assert sniff(garbage_ole) == ("doc", None)  # an OLE file that cannot be opened keeps the .doc path
    if soffice is None:
        pytest.skip("LibreOffice is needed to write .xls and .doc files")
    src = write_pci_workbook(tmp_path / "pci.xlsx")
    subprocess.run([soffice, "--headless", "--convert-to", "xls", "--outdir", str(tmp_path), str(src)],
                   check=True, capture_output=True, timeout=180)
    xls = tmp_path / "pci.xls"
    if not xls.exists():
        pytest.skip("LibreOffice Calc (Debian libreoffice-calc-nogui) is needed to write .xls files")
    assert sniff(xls.read_bytes()) == ("xls", None)
    r = process_file(xls)
    assert r.ok and r.format == "xls"
    assert sorted((o.entity, o.criterion, o.value, o.rank) for o in r.interpretation.observations) == \
        sorted((o.entity, o.criterion, o.value, o.rank) for o in process_file(src).interpretation.observations)
    subprocess.run([soffice, "--headless", "--convert-to", "doc", "--outdir", str(tmp_path),
                    str(FIXTURES / "thanhhoa-cv-2025.docx")], check=True, capture_output=True, timeout=180)
    assert sniff((tmp_path / "thanhhoa-cv-2025.doc").read_bytes()) == ("doc", None)  # OLE too: WordDocument


def test_csv_with_a_year_column_blank_cells_and_text_that_is_not_a_number(tmp_path):
    path = tmp_path / "papi.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["province", "year", "D1", "D2", "total_papi"])
        w.writerow(["Lai Châu", "2019", "4.8", "5.1", "41.2"])
        w.writerow(["Lai Châu", "2020", "", "5.3", "42.0"])
        w.writerow(["Điện Biên", "2020", "4,9", "5.0", "40.1"])
        w.writerow(["Cả nước", "2020", "5.0", "5.2", "44.0"])
    assert sniff(path.read_bytes()) == ("csv", None)
    r = process_file(path)
    assert r.ok, r.error
    got = {(o.year, o.entity, o.criterion): o.value for o in r.interpretation.observations}
    assert got == {(2019, "Lai Châu", "papi.participation"): 4.8, (2019, "Lai Châu", "papi.transparency"): 5.1,
                   (2019, "Lai Châu", "papi.total"): 41.2, (2020, "Lai Châu", "papi.transparency"): 5.3,
                   (2020, "Lai Châu", "papi.total"): 42.0, (2020, "Điện Biên", "papi.transparency"): 5.0,
                   (2020, "Điện Biên", "papi.total"): 40.1}
    assert any("not numbers" in w and "'4,9'" in w for w in r.warnings)
    assert not_provinces(r) == {"Cả nước"}
    assert r.interpretation.meta.report_year == 2020


def test_bad_spreadsheets_fail_with_a_reason(tmp_path, monkeypatch):
    damaged = tmp_path / "hong.xlsx"
    good = write_pci_workbook(tmp_path / "good.xlsx").read_bytes()
    damaged.write_bytes(good[:len(good) // 2])
    res = process_file(damaged)
    assert not res.ok and res.error_code in ("damaged", "not_supported") and "damaged" in res.error.lower()
    other = tmp_path / "dan-so.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Tỉnh", "Dân số", "Diện tích"])
    for name in ["Hà Nội", "Hải Phòng", "Đà Nẵng", "Cần Thơ"]:
        wb.active.append([name, 1000, 300])
    wb.save(other)
    res = process_file(other)
    assert (res.ok, res.error_code) == (False, "no_index_content") and "national_columns.csv" in res.error
    monkeypatch.setattr(spreadsheet, "MAX_CELLS", 20)
    res = process_file(tmp_path / "good.xlsx")
    assert (res.ok, res.error_code) == (False, "too_large") and "good.xlsx" in res.error and "cells" in res.error


def test_national_codes_are_not_rematched_or_recoded_by_report_aliases(tmp_path):
    r = process_file(write_pci_workbook(tmp_path / "pci.xlsx"))
    assert {o.criterion for o in r.interpretation.observations if o.label == "Tính minh bạch"} == {"pci.transparency"}
    assert r.review == [] and not [o for o in r.interpretation.observations if o.flags]
    apply_aliases(r.interpretation, {("PCI", match_key("Tính minh bạch"), ""): "pci.x.reviewed"})
    assert {o.criterion for o in r.interpretation.observations if o.label == "Tính minh bạch"} == {"pci.transparency"}


def test_national_columns_codes_exist_in_the_catalogue_for_every_year_they_cover():
    cat = catalogue()
    for rule in column_rules():
        for year in range(rule.start, (rule.end or 2024) + 1):
            period = cat.period_for(rule.index, year)
            assert (rule.index, period, rule.code) in cat.nodes, (rule.code, year)


def test_ingest_and_export_a_national_file(tmp_path):
    path = write_pci_workbook(tmp_path / "pci-2007.xlsx")
    db = f"sqlite:///{tmp_path / 'w.sqlite'}"
    run = cli("ingest", path, "--db", db)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "11 observations" in run.stdout
    c = sqlite3.connect(tmp_path / "w.sqlite")
    assert c.execute("SELECT source_kind, province, doc_type FROM document").fetchall() == \
        [("national_dataset", None, "DATA")]
    assert c.execute("SELECT DISTINCT kind FROM entity").fetchall() == [("province",)]
    c.close()
    run = cli("export", tmp_path / "out", "--db", db)
    assert run.returncode == 0, run.stdout + run.stderr
    with (tmp_path / "out" / "observations.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 11
    ha_tay = next(r for r in rows if r["entity"] == "Hà Tây" and r["criterion"] == "pci.total")
    assert (ha_tay["year"], ha_tay["value"], ha_tay["rank"], ha_tay["province"]) == ("2007", "55.1", "3", "")


def test_warehouse_keeps_the_source_kind(tmp_path):
    wh = Warehouse(f"sqlite:///{tmp_path / 'w.sqlite'}")
    assert wh.load(process_file(write_pci_workbook(tmp_path / "pci.xlsx"))) == 11
    c = sqlite3.connect(tmp_path / "w.sqlite")
    rows = c.execute("SELECT o.entity, o.criterion, o.value, o.provenance FROM observation o JOIN document d "
                     "ON d.id = o.document_id WHERE d.source_kind = 'national_dataset' AND o.entity = 'Hà Tây' "
                     "AND o.criterion = 'pci.entry_costs'").fetchall()
    c.close()
    assert len(rows) == 1 and rows[0][2] == 6.5 and '"sheet": "Xếp hạng"' in rows[0][3]
