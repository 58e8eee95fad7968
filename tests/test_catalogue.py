"""One canonical catalogue: criteria across years and spellings, provinces across the merger."""

import csv
from datetime import date
from importlib import resources

from helpers import FIXTURES, cli
from sqlmodel import select

from chiso.db.catalogue import catalogue
from chiso.db.reference import resolve_province
from chiso.load.review import decide, open_items
from chiso.load.schema import Observation, ReviewItem
from chiso.load.warehouse import Warehouse
from chiso.match.matching import match_label
from chiso.pipeline import process_file


def test_catalogue_files_are_consistent():
    cat = catalogue()
    sipas_2024 = [n for n in cat.in_period("SIPAS", "2024-2026") if n.level == "criterion"]
    assert len(sipas_2024) == 39
    groups = [n for n in cat.in_period("SIPAS", "2024-2026") if n.level == "group"
              and n.parent in ("sipas.policy", "sipas.services")]
    assert len(groups) == 9
    for node in cat.nodes.values():
        assert node.parent is None or (node.index, node.period, node.parent) in cat.nodes, node.code
    papi = {n.code for n in cat.in_period("PAPI", "2018-") if n.level == "dimension"}
    assert len(papi) == 8
    with resources.files("chiso.db").joinpath("catalogue/periods.csv").open(encoding="utf-8") as f:
        assert all(row["methodology"] for row in csv.DictReader(f))


def test_renamed_par_area_is_linked_across_periods():
    old = match_label("PAR_INDEX", 2013, "Xây dựng và tổ chức thực hiện văn bản QPPL tại tỉnh", None)
    new = match_label("PAR_INDEX", 2022, "Cải cách thể chế", None)
    assert old.status == new.status == "accepted"
    assert old.code == "par.legal_documents" and new.code == "par.reform_institutions"
    assert catalogue().series("PAR_INDEX", old.code) == new.code
    # a 2022 report still printing the old name is linked to the current area
    assert match_label("PAR_INDEX", 2022, "Xây dựng và tổ chức thực hiện văn bản quy phạm pháp luật tại tỉnh",
                       None).code == "par.reform_institutions"


def test_abbreviations_and_tone_marks_link_to_the_full_name():
    full = match_label("SIPAS", 2024, "Trách nhiệm giải trình của chính quyền về chính sách", None)
    short = match_label("SIPAS", 2024, "A. Trách nhiệm giải trình của chính quyền về CS", None)
    assert full.code == short.code == "sipas.policy.accountability"
    a = match_label("SIPAS", 2024, "Kết quả giải quyết TTHC đảm bảo tính công bằng", "Kết quả dịch vụ")
    b = match_label("SIPAS", 2024, "Kết quả giải quyết thủ tục hành chính đảm bảo tính công bằng", "Kết quả dịch vụ")
    assert a.code == b.code == "sipas.services.results.fair"
    c = match_label("SIPAS", 2024, "Chính sách cải cách hành chính ở địa phương", "Mức độ quan tâm của người dân")
    d = match_label("SIPAS", 2024, "CS cải cách hành chính ở địa phương", "Mức độ quan tâm của người dân")
    assert c.code == d.code


def test_same_label_in_two_groups_gets_two_codes():
    channel = match_label("SIPAS", 2024, "Qua mạng internet", "Kênh thông tin người dân đã sử dụng để theo dõi "
                                                              "các chính sách")
    form = match_label("SIPAS", 2024, "Qua mạng internet", "Mức độ phù hợp của các hình thức cung cấp thông tin "
                                                           "về chính sách")
    assert channel.status == form.status == "accepted"
    assert channel.code != form.code
    assert match_label("SIPAS", 2024, "Qua mạng internet", None).status != "accepted"  # ambiguous without a group


def test_provinces_resolved_by_date_across_the_2025_merger():
    assert resolve_province("Hà Giang", date(2024, 12, 31)).name == "Hà Giang"
    assert resolve_province("Hà Giang", date(2025, 8, 1)).name == "Tuyên Quang"
    assert resolve_province("Đắc Lắc").name == "Đắk Lắk"
    assert resolve_province("TP. Hồ Chí Minh").name == resolve_province("Thành phố Hồ Chí Minh").name
    assert resolve_province("Thừa Thiên Huế", date(2024, 6, 1)).code == resolve_province("Huế", date(2025, 3, 1)).code


def test_review_decision_is_replayed_on_later_ingests(tmp_path):
    wh = Warehouse(f"sqlite:///{tmp_path / 'w.sqlite'}")
    wh.load(process_file(FIXTURES / "hagiang-papi-2019.docx"))
    items = [i for i in open_items(wh) if i.label == "Dịch vụ hành chính cấp xã/phường"]
    assert len(items) == 1
    best = items[0]
    updated = decide(wh, best.id, "papi.admin_procedures.commune_services")
    assert updated == 2  # the 2019 and the 2018 value
    # the PDF of the same report prints the same label: it is linked without asking again
    wh.load(process_file(FIXTURES / "hagiang-papi-2019.pdf"))
    with wh.session() as s:
        rows = s.exec(select(Observation).where(Observation.label == "Dịch vụ hành chính cấp xã/phường")).all()
        assert len(rows) == 4
        assert {r.criterion for r in rows} == {"papi.admin_procedures.commune_services"}
        assert not any("match_review" in r.flags for r in rows)
        still_open = s.exec(select(ReviewItem).where(ReviewItem.key == best.key,
                                                     ReviewItem.status == "open")).all()
        assert still_open == []


def test_review_cli_round_trip_through_csv(tmp_path):
    db = f"sqlite:///{tmp_path / 'w.sqlite'}"
    wh = Warehouse(db)
    wh.load(process_file(FIXTURES / "hagiang-papi-2019.docx"))  # labels matched with middling confidence
    out = tmp_path / "queue.csv"
    run = cli("review", "--db", db, "--export", out)
    assert run.returncode == 0, run.stderr
    with open(out, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows
    for row in rows:
        row["decision"] = "none"  # a person decides these labels are not catalogued criteria
    with open(out, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    run = cli("review", "--db", db, "--import", out)
    assert run.returncode == 0, run.stderr
    assert open_items(wh) == []
    assert f"{len(rows)} decisions applied" in run.stdout


def test_entities_are_classified_and_agencies_know_their_2025_successor():
    from chiso.db.reference import read_csv
    from chiso.match.entities import classify

    assert classify("Sơn La", "Sơn La").kind == "province"
    assert classify("Cả nước", "Sơn La").kind == "national"
    assert classify("UBND huyện Gio Linh", "Quảng Trị").kind == "district"
    kh = classify("Sở Kế hoạch và Đầu tư", "Quảng Trị")
    assert kh.kind == "agency"
    row = next(r for r in read_csv("places/agencies.csv") if r["code"] == kh.canonical)
    assert row["successor"] == "so_tai_chinh" and row["valid_to"].startswith("2025")


def test_areas_named_by_their_number_in_the_methodology():
    assert match_label("PAR_INDEX", 2022, "Lĩnh vực 2", None).code == "par.reform_institutions"
    assert match_label("PAR_INDEX", 2022, "Lĩnh vực II", None).code == "par.reform_institutions"
    assert match_label("PAR_INDEX", 2014, "Lĩnh vực 8", None).code == "par.one_stop"
    assert match_label("PAPI", 2024, "Trục nội dung 7", None).code == "papi.environment"


def test_names_of_the_results_area_across_methodologies():
    """'Kết quả cung ứng dịch vụ' (2017-2021 reports) and a bare 'Kết quả' column heading are the results area."""
    for year in (2020, 2023, 2024):
        for label in ("Kết quả cung ứng dịch vụ", "Kết quả"):
            assert match_label("SIPAS", year, label, None).code == "sipas.services.results", (year, label)
