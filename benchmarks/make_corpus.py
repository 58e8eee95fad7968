#!/usr/bin/env python3
"""Generate a reproducible benchmark corpus of provincial governance-index publications.

Why: ``fixtures/`` holds five small, hand-checked documents -- right for correctness tests,
useless for measuring throughput.  Timing and profiling the ingest pipeline (DOCX walking,
PDF table detection, sentence extraction, catalogue linking, SQLite writes) needs many
documents of realistic size and shape.  This script writes them: by default 200 documents
of 5-40 pages (median about 15), half kept as DOCX and half converted to PDF with
LibreOffice (the DOCX twin is deleted, so every file is distinct).

What the documents look like (the conventions of ``fixtures/make_fixtures.py`` and of the
real reports in ``/work/shared/seeds``):

* SIPAS analysis reports -- tables of the 2024-method criteria with two year columns and a
  change column ("Năm 2024 | Năm 2023 | Tăng/giảm"), a vertically merged group column or a
  "Nội dung/tiêu chí" table whose first row is the group; decimal commas, some with dots;
* PAR INDEX decisions -- "Điều 1..4", a province score table ("STT | Lĩnh vực/Tiêu chí |
  Điểm chuẩn | Điểm tự đánh giá | Điểm thẩm định"), ranked tables of 10-25 agencies and
  districts, sometimes a landscape annex with per-area scores;
* PAPI analysis reports -- figures in prose ("tiêu chí Tri thức công dân đạt 1,0337 điểm
  tăng 0,1 điểm (năm 2018 đạt 0,93 điểm)"), survey shares in bullets, footnotes;
* letters (công văn) -- a short letter, an attached information text and a plan table.

Every document is padded with analysis, tasks-and-solutions and agency-duty sections (varied
sentences from pools) and extra annex tables until an estimated page count is reached (the
estimate adds up text-line and table-row heights while the document is built, calibrated
against LibreOffice 7.4 output; PDFs get exact counts after conversion, DOCX files keep the
estimate).  The values are random but plausible; nothing here is ground truth (that is what
fixtures/ are for).

usage:
    python benchmarks/make_corpus.py [OUTDIR] [--docs 200] [--seed 7] [--jobs 2]

OUTDIR defaults to benchmarks/corpus/ (git-ignored).  Output is deterministic for a given
seed: each document draws from its own ``random.Random(f"{seed}/{index}")``, DOCX core
properties and zip timestamps are fixed, and the PDFs' dates and IDs are normalised after
conversion (same LibreOffice + fonts => same bytes).  OUTDIR/manifest.json lists every file
with its kind, format and (for PDFs) page count.
"""
from __future__ import annotations

import argparse
import contextlib
import csv
import hashlib
import io
import json
import math
import os
import queue
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
import zipfile
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt

REPO = Path(__file__).resolve().parents[1]
PROVINCES_CSV = REPO / "chiso" / "db" / "places" / "provinces.csv"
DEFAULT_OUT = REPO / "benchmarks" / "corpus"

FONT = "Liberation Serif"  # metric-compatible with Times New Roman, has the Vietnamese glyphs
ZIP_TIME = (2024, 1, 1, 0, 0, 0)
KINDS = {"SIPAS": 0.35, "PAR": 0.30, "PAPI": 0.25, "CV": 0.10}  # share of the corpus
# years the figures are about (reports come out the next year; 2024-method SIPAS tables from 2022)
YEARS = {"SIPAS": (2022, 2024), "PAR": (2017, 2024), "PAPI": (2017, 2024), "CV": (2020, 2025)}
BATCH = 25  # DOCX files per soffice invocation
MIN_PAGES, MAX_PAGES = 5, 40

# page estimate (calibrated against LibreOffice 7.4 output of this script)
CHAR_EM = 0.47  # average advance of a Vietnamese character, in em, incl. justification slack
LINE_EM = 1.16  # single line height of Liberation Serif, in em
CM = 28.3465  # points per centimetre


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


# --------------------------------------------------------------------------------------
# numbers: every document picks its own printing conventions
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Num:
    """How one document prints numbers.

    Real reports mix decimal commas and dots (even within one table), sometimes put a space
    before "%", and print changes as "+1,23%", "1,23%" or "tăng 1,23%"; the parsers must cope
    with all of them, so the corpus varies them per document (and, rarely, per table)."""

    sep: str = ","
    pct_space: bool = False
    chg: str = "signed"  # signed | bare | words

    def f(self, x: float, nd: int = 2) -> str:
        s = f"{x:.{nd}f}"
        return s if self.sep == "." else s.replace(".", self.sep)

    def pct(self, x: float, nd: int = 2) -> str:
        return self.f(x, nd) + (" %" if self.pct_space else "%")

    def change(self, d: float, nd: int = 2, unit: str = "%") -> str:
        body = self.f(abs(d), nd) + unit
        if self.chg == "words":
            return ("tăng " if d >= 0 else "giảm ") + body
        if d < 0:
            return "-" + body
        return ("+" if self.chg == "signed" else "") + body

    def other(self) -> Num:
        return replace(self, sep="." if self.sep == "," else ",")


def count(n: int) -> str:
    """36630 -> '36.630' (Vietnamese thousands separator)."""
    return f"{n:,}".replace(",", ".")


def short(x: float) -> str:
    """2.50 -> '2,5'; 3.00 -> '3' (how score tables print maxima)."""
    s = f"{x:.2f}".rstrip("0").rstrip(".")
    return s.replace(".", ",")


def tang_giam(d: float) -> str:
    return "tăng" if d >= 0 else "giảm"


def roman(n: int) -> str:
    """1 -> 'I', 14 -> 'XIV' (annexes and sections are numbered in Roman numerals)."""
    out = ""
    for value, sym in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + sym, n - value
    return out

LETTERS = ["a", "b", "c", "d", "đ", "e", "g", "h", "i", "k"]


# --------------------------------------------------------------------------------------
# places, people, agencies
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Province:
    code: str
    name: str
    kind: str  # "tỉnh" | "thành phố"
    valid_from: str
    valid_to: str

    def valid_on(self, d: date) -> bool:
        iso = d.isoformat()
        return (not self.valid_from or self.valid_from <= iso) and (not self.valid_to or iso <= self.valid_to)

    @property
    def full(self) -> str:
        return f"{self.kind} {self.name}"


def load_provinces() -> list[Province]:
    with PROVINCES_CSV.open(encoding="utf-8") as fh:
        return [Province(r["code"], nfc(r["name"]), nfc(r["kind"]), r["valid_from"], r["valid_to"])
                for r in csv.DictReader(fh)]


AGENCIES_OLD = [
    "Sở Nội vụ", "Sở Tư pháp", "Sở Kế hoạch và Đầu tư", "Sở Tài chính", "Sở Công Thương",
    "Sở Nông nghiệp và Phát triển nông thôn", "Sở Giao thông vận tải", "Sở Xây dựng",
    "Sở Tài nguyên và Môi trường", "Sở Thông tin và Truyền thông", "Sở Lao động - Thương binh và Xã hội",
    "Sở Văn hóa, Thể thao và Du lịch", "Sở Khoa học và Công nghệ", "Sở Giáo dục và Đào tạo", "Sở Y tế",
    "Sở Ngoại vụ", "Thanh tra tỉnh", "Văn phòng UBND tỉnh", "Ban Dân tộc", "Ban Quản lý các khu công nghiệp",
    "Ban Quản lý Khu kinh tế", "Văn phòng Đoàn ĐBQH và HĐND tỉnh", "Sở Du lịch",
    "Ban Quản lý dự án đầu tư xây dựng các công trình dân dụng và công nghiệp",
    "Ban Quản lý dự án đầu tư xây dựng các công trình giao thông",
    "Ban Quản lý dự án đầu tư xây dựng các công trình nông nghiệp và phát triển nông thôn",
]
AGENCIES_2025 = [
    "Sở Nội vụ", "Sở Tư pháp", "Sở Tài chính", "Sở Công Thương", "Sở Nông nghiệp và Môi trường",
    "Sở Xây dựng", "Sở Khoa học và Công nghệ", "Sở Văn hóa, Thể thao và Du lịch", "Sở Giáo dục và Đào tạo",
    "Sở Y tế", "Sở Dân tộc và Tôn giáo", "Sở Ngoại vụ", "Thanh tra tỉnh", "Văn phòng UBND tỉnh",
    "Ban Quản lý Khu kinh tế", "Ban Quản lý dự án đầu tư xây dựng tỉnh",
]
DISTRICT_NAMES = [
    "Mai Sơn", "Mộc Châu", "Yên Châu", "Thuận Châu", "Quỳnh Nhai", "Bắc Yên", "Phù Yên", "Sông Mã",
    "Sốp Cộp", "Vân Hồ", "Mường La", "Tam Đường", "Phong Thổ", "Sìn Hồ", "Than Uyên", "Tân Uyên",
    "Nậm Nhùn", "Mường Tè", "Vĩnh Linh", "Gio Linh", "Cam Lộ", "Triệu Phong", "Hải Lăng", "Hướng Hóa",
    "Đakrông", "Đông Sơn", "Hoằng Hóa", "Quảng Xương", "Nông Cống", "Thọ Xuân", "Yên Định", "Vị Xuyên",
    "Bắc Quang", "Quản Bạ", "Đồng Văn", "Mèo Vạc", "Hoàng Su Phì", "Xín Mần", "Chợ Đồn", "Ba Bể",
    "Na Rì", "Ngân Sơn", "Bảo Lạc", "Trùng Khánh", "Hòa An", "Châu Thành", "Cai Lậy", "Cái Bè",
    "Tân Phước", "Gò Công Tây", "Long Hồ", "Mang Thít", "Trà Ôn", "Tam Bình", "Krông Pắc", "Ea Kar",
    "Cư M'gar", "Buôn Đôn", "Đức Trọng", "Di Linh", "Bảo Lâm", "Lâm Hà", "Nghĩa Hành", "Sơn Tịnh",
]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương",
            "Lường", "Cầm", "Hà", "Lò", "Giàng", "Đinh"]
MIDDLE = ["Văn", "Thị", "Đình", "Minh", "Quang", "Hữu", "Thanh", "Ngọc", "Đức", "Xuân", "Thế"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khánh", "Lâm", "Long", "Nam", "Phong", "Quân",
         "Sơn", "Thảo", "Tuấn", "Việt", "Hoa", "Lan", "Hương", "Thành", "Trung", "Hiếu", "Tâm"]


def person(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


# --------------------------------------------------------------------------------------
# prose pools (wording after the reports in /work/shared/seeds)
# --------------------------------------------------------------------------------------

ACHIEVED = [
    "Công tác cải cách hành chính tiếp tục được {ubnd} quan tâm chỉ đạo, triển khai đồng bộ, có trọng tâm, "
    "trọng điểm; người đứng đầu các cơ quan, đơn vị, địa phương đã nâng cao trách nhiệm trong chỉ đạo, điều "
    "hành.",
    "Việc khảo sát được tổ chức chặt chẽ, khách quan, không có sự can thiệp, định hướng; do đó kết quả "
    "phản ánh đúng nhận định, đánh giá của người dân đối với sự phục vụ của cơ quan hành chính nhà nước "
    "trên địa bàn {tinh}.",
    "Chất lượng giải quyết thủ tục hành chính tại Bộ phận Một cửa các cấp tiếp tục được nâng lên; tỷ lệ hồ "
    "sơ giải quyết đúng hạn và trước hạn năm {Y} đạt {pct}.",
    "Tinh thần, thái độ phục vụ của đội ngũ cán bộ, công chức, viên chức có nhiều chuyển biến tích cực; tình "
    "trạng gây phiền hà, sách nhiễu người dân, doanh nghiệp giảm rõ rệt so với năm {P}.",
    "Hạ tầng công nghệ thông tin, Hệ thống thông tin giải quyết thủ tục hành chính của tỉnh được đầu tư, "
    "nâng cấp, vận hành ổn định, thông suốt, kết nối với Cổng Dịch vụ công quốc gia.",
    "Tỷ lệ hồ sơ thủ tục hành chính được tiếp nhận, giải quyết trực tuyến toàn trình tăng {chg} so với năm "
    "{P}, góp phần giảm thời gian, chi phí đi lại của người dân, doanh nghiệp.",
    "Người dân quan tâm đến các chính sách nhiều hơn, sẵn sàng tham gia góp ý đối với chính sách cũng nhiều "
    "hơn; nhận định về sự gây phiền hà, sách nhiễu của công chức trực tiếp giải quyết công việc giảm đi.",
    "Các cơ quan, đơn vị đã chủ động rà soát, đơn giản hóa thủ tục hành chính, kiến nghị cắt giảm {n} thủ "
    "tục không còn phù hợp; 100% thủ tục hành chính được công bố, công khai đúng quy định.",
    "Công tác thông tin, tuyên truyền được đẩy mạnh bằng nhiều hình thức như chuyên mục trên Báo, Đài Phát "
    "thanh và Truyền hình tỉnh, trang thông tin điện tử, mạng xã hội và loa truyền thanh cơ sở.",
    "Công tác kiểm tra cải cách hành chính được duy trì thường xuyên; năm {Y} đã kiểm tra {n} cơ quan, đơn "
    "vị, qua đó kịp thời chấn chỉnh những tồn tại, hạn chế trong thực thi công vụ.",
]
LIMITS = [
    "Mặc dù các tiêu chí có tăng so với năm {P} nhưng mức tăng không nhiều; nhiều tiêu chí thành phần xếp "
    "thứ hạng thấp so với các tỉnh, thành phố và giảm so với năm trước.",
    "Cơ sở vật chất tại Bộ phận tiếp nhận và trả kết quả của một số đơn vị, địa phương xuống cấp, nhất là "
    "cấp xã, ảnh hưởng đến chất lượng giải quyết công việc cho người dân.",
    "Công tác thông tin, tuyên truyền về cải cách hành chính của một số cơ quan, đơn vị chưa thực sự hiệu "
    "quả; hình thức, nội dung chưa phong phú, chủ yếu qua các buổi sinh hoạt thôn, bản, tổ dân phố.",
    "Một bộ phận cán bộ, công chức, viên chức làm việc tại Bộ phận Một cửa còn thiếu tinh thần, thái độ phục "
    "vụ; kỹ năng giao tiếp, ứng xử có mặt còn hạn chế.",
    "Việc số hóa hồ sơ, kết quả giải quyết thủ tục hành chính ở một số nơi còn chậm, chưa đáp ứng yêu cầu "
    "kết nối, chia sẻ, tái sử dụng dữ liệu.",
    "Tỷ lệ người dân sử dụng dịch vụ công trực tuyến còn thấp do hạ tầng số ở vùng sâu, vùng xa còn hạn "
    "chế và kỹ năng số của người dân chưa đồng đều.",
    "Kết quả khảo sát cho thấy tình trạng công chức gây phiền hà, sách nhiễu và việc đưa tiền ngoài quy định "
    "vẫn còn, với tỷ lệ lần lượt là {pct} và {pct2}.",
    "Việc giải quyết khiếu nại, tố cáo ở một số nơi còn chậm; vẫn còn tình trạng khiếu nại kéo dài, vượt "
    "cấp.",
]
CAUSES = [
    "Người đứng đầu một số cơ quan, đơn vị chưa thực sự quan tâm, sâu sát trong chỉ đạo, kiểm tra, đôn đốc "
    "thực hiện nhiệm vụ cải cách hành chính.",
    "Địa bàn rộng, địa hình chia cắt, trình độ dân trí ở một số khu vực còn thấp nên việc tiếp cận thông "
    "tin, dịch vụ công của người dân còn gặp khó khăn.",
    "Nguồn lực đầu tư cho cải cách hành chính, chuyển đổi số còn hạn chế; đội ngũ công chức làm công tác cải "
    "cách hành chính ở cấp xã kiêm nhiệm nhiều việc, thường xuyên thay đổi.",
    "Việc phân tích, đánh giá kết quả các chỉ số để đề ra giải pháp khắc phục ở một số nơi còn hình thức, "
    "chưa cụ thể, chưa gắn với trách nhiệm của từng cơ quan, đơn vị.",
    "Tỷ lệ người dân đã trực tiếp giải quyết công việc với cơ quan chính quyền trong số người trả lời phiếu "
    "chưa cao nên một số đánh giá chưa phản ánh đầy đủ kết quả thực hiện.",
]
TASKS = [
    "Tiếp tục triển khai hiệu quả công tác cải cách hành chính, trọng tâm là cải cách thủ tục hành chính; "
    "nâng cao trách nhiệm người đứng đầu các cơ quan, đơn vị, địa phương trong chỉ đạo, tổ chức thực hiện.",
    "Phân tích, đánh giá những nhận định, nhu cầu mong đợi của người dân để có giải pháp nâng cao chất lượng "
    "phục vụ; tập trung khắc phục các tiêu chí có kết quả thấp hoặc giảm so với năm {P}.",
    "Quan tâm đầu tư cải thiện cơ sở vật chất, bổ sung trang thiết bị tại Bộ phận Một cửa các cấp, nhất là "
    "cấp xã; thực hiện tốt việc niêm yết, công khai quy trình giải quyết thủ tục hành chính.",
    "Tổ chức vận hành có hiệu quả Hệ thống thông tin giải quyết thủ tục hành chính của tỉnh; tăng cường tích "
    "hợp các tiện ích thông minh để tạo thuận lợi cho người dân, doanh nghiệp khi nộp hồ sơ trực tuyến.",
    "Tăng cường kiểm tra, giám sát, xử lý nghiêm những cá nhân, cơ quan, đơn vị gây khó khăn, phiền hà cho "
    "người dân, doanh nghiệp nhằm chấn chỉnh kỷ luật, kỷ cương hành chính.",
    "Đẩy mạnh thông tin, tuyên truyền về chính sách bằng nhiều hình thức như chuyên mục trên đài phát thanh "
    "xã, họp tổ dân phố, thôn, bản, trang thông tin điện tử, bảo đảm phù hợp với người dân thuộc mọi thành "
    "phần.",
    "Thực hiện nghiêm việc đánh giá, sàng lọc, cơ cấu lại đội ngũ công chức, viên chức; bố trí công chức có "
    "năng lực, kỹ năng giao tiếp tốt làm việc tại Bộ phận Một cửa.",
    "Đẩy mạnh số hóa hồ sơ, kết quả giải quyết thủ tục hành chính theo Nghị định số 45/2020/NĐ-CP và Nghị "
    "định số 107/2021/NĐ-CP của Chính phủ; bảo đảm kết nối, chia sẻ, tái sử dụng dữ liệu.",
    "Thực hiện nghiêm việc xin lỗi tổ chức, cá nhân khi hồ sơ giải quyết trễ hạn; công khai kết quả giải "
    "quyết hồ sơ trên Cổng Dịch vụ công của tỉnh.",
    "Thực hiện tốt dân chủ ở cơ sở; tạo điều kiện để Nhân dân được biết, được bàn, được tham gia thực hiện "
    "và kiểm tra, giám sát việc thực hiện các chủ trương, chính sách tại địa phương.",
    "Công khai đầy đủ, kịp thời danh sách hộ nghèo, hộ cận nghèo, thu chi ngân sách cấp xã, quy hoạch, kế "
    "hoạch sử dụng đất và bảng giá đất tại trụ sở UBND cấp xã, nhà văn hóa thôn, tổ dân phố.",
    "Thực hiện tốt Luật Tiếp công dân, Luật Khiếu nại, Luật Tố cáo; chủ động đối thoại với Nhân dân, kịp "
    "thời giải quyết những khúc mắc, kiến nghị ngay từ cơ sở.",
    "Tăng cường ứng dụng công nghệ thông tin trong tuyển dụng công chức, viên chức; công khai kế hoạch, "
    "nhu cầu tuyển dụng, danh sách thí sinh và kết quả thi tuyển, xét tuyển.",
    "Nâng cao chất lượng dịch vụ y tế công lập, giáo dục tiểu học công lập; tiếp tục đầu tư cơ sở hạ tầng "
    "căn bản như điện, nước sinh hoạt, đường giao thông nông thôn.",
    "Tăng cường tuyên truyền, giáo dục nâng cao nhận thức bảo vệ môi trường; kiểm soát chặt chẽ các nguồn "
    "gây ô nhiễm không khí, nguồn nước tại khu dân cư.",
    "Nâng cấp Cổng thông tin điện tử của tỉnh và trang thông tin điện tử của các cơ quan, đơn vị theo hướng "
    "thân thiện, dễ tiếp cận; hướng dẫn người dân sử dụng dịch vụ công trực tuyến.",
    "Xây dựng kế hoạch cải thiện, nâng cao các chỉ số thành phần có kết quả thấp; phân công rõ trách nhiệm "
    "của từng cơ quan, đơn vị chủ trì đối với từng tiêu chí.",
    "Định kỳ hằng quý kiểm tra, đánh giá việc thực hiện nhiệm vụ cải cách hành chính; gắn kết quả thực "
    "hiện với đánh giá, xếp loại, thi đua, khen thưởng cuối năm.",
]
DUTIES = {
    "Sở Nội vụ": [
        "Tham mưu UBND tỉnh ban hành Kế hoạch cải thiện, nâng cao mức độ hài lòng của người dân đối với sự "
        "phục vụ của cơ quan hành chính nhà nước năm {Y1}; theo dõi, đôn đốc, tổng hợp kết quả thực hiện.",
        "Tiếp tục tham mưu triển khai đo lường sự hài lòng của người dân đối với các sở, ban, ngành, UBND "
        "cấp huyện, cấp xã theo phương pháp của Bộ Nội vụ; công bố kết quả trước ngày 31/12/{Y1}.",
        "Chủ trì tổ chức các lớp bồi dưỡng kỹ năng giao tiếp, ứng xử cho công chức làm việc tại Bộ phận Một "
        "cửa."],
    "Sở Tư pháp": [
        "Nâng cao chất lượng xây dựng, thẩm định, kiểm tra, rà soát văn bản quy phạm pháp luật; kịp thời "
        "phát hiện, xử lý văn bản trái pháp luật.",
        "Nâng cao chất lượng dịch vụ chứng thực, hộ tịch, lý lịch tư pháp và trợ giúp pháp lý cho người "
        "dân."],
    "Văn phòng UBND tỉnh": [
        "Tiếp tục nâng cao chất lượng, hiệu quả hoạt động của Trung tâm Phục vụ hành chính công tỉnh; tăng "
        "cường tương tác, trả lời, hướng dẫn người dân trên Cổng Dịch vụ công của tỉnh.",
        "Tăng cường kiểm tra, đôn đốc các đơn vị, địa phương trong công tác kiểm soát thủ tục hành chính, "
        "giải quyết thủ tục hành chính theo cơ chế một cửa, một cửa liên thông."],
    "Thanh tra tỉnh": [
        "Tham mưu UBND tỉnh triển khai thực hiện tốt công tác phòng, chống tham nhũng; hướng dẫn UBND cấp xã "
        "tuyên truyền Luật Phòng, chống tham nhũng tới người dân.",
        "Tham mưu chỉ đạo các ngành, các cấp tăng cường giải quyết khiếu nại, tố cáo theo quy định, hạn "
        "chế tình trạng khiếu nại kéo dài, vượt cấp; phát huy vai trò giám sát của Ban Thanh tra nhân dân."],
    "Sở Tài nguyên và Môi trường": [
        "Hướng dẫn, đôn đốc các địa phương niêm yết công khai quy hoạch, kế hoạch sử dụng đất, bảng giá đất, "
        "đơn giá bồi thường khi thu hồi đất đầy đủ, đúng quy định.",
        "Đẩy mạnh các biện pháp quản lý, bảo vệ môi trường không khí, môi trường nước; xử lý nghiêm các "
        "tổ chức, cá nhân có hành vi gây ô nhiễm môi trường."],
    "Sở Giáo dục và Đào tạo": [
        "Triển khai đồng bộ các giải pháp nâng cao chất lượng giáo dục; cải thiện cơ sở vật chất trường "
        "tiểu học, chú trọng các tiêu chí sĩ số lớp, nước uống, nhà vệ sinh sạch sẽ.",
        "Chấn chỉnh việc thu các khoản ngoài quy định tại các cơ sở giáo dục công lập."],
    "Sở Y tế": [
        "Nâng cao chất lượng khám, chữa bệnh, trang thiết bị y tế, cơ sở vật chất tại các cơ sở y tế công "
        "lập; chấn chỉnh những biểu hiện nhũng nhiễu, thiếu trách nhiệm với người bệnh.",
        "Đẩy mạnh ứng dụng công nghệ thông tin trong khám, chữa bệnh và thanh toán bảo hiểm y tế."],
    "Sở Tài chính": [
        "Hướng dẫn, đôn đốc, tăng cường kiểm tra việc thu, chi ngân sách nhà nước và công khai dự toán, "
        "quyết toán ngân sách cấp xã đầy đủ, đúng quy định.",
        "Bố trí kinh phí thực hiện nhiệm vụ cải cách hành chính, chuyển đổi số theo khả năng cân đối ngân "
        "sách."],
    "Sở Thông tin và Truyền thông": [
        "Chủ trì hướng dẫn các cơ quan báo chí, hệ thống thông tin cơ sở tuyên truyền về cải cách hành "
        "chính và các chỉ số đánh giá của tỉnh.",
        "Phát triển hạ tầng số, phủ sóng di động, internet đến các thôn, bản vùng sâu, vùng xa."],
    "Sở Lao động - Thương binh và Xã hội": [
        "Hướng dẫn rà soát hộ nghèo, hộ cận nghèo hằng năm đúng quy trình; công khai danh sách tại khu dân "
        "cư.",
        "Thực hiện đầy đủ, kịp thời các chính sách an sinh xã hội, trợ giúp xã hội trên địa bàn."],
    "Công an tỉnh": [
        "Tiếp tục đấu tranh, trấn áp các loại tội phạm; bảo đảm an ninh, trật tự tại khu dân cư.",
        "Đẩy mạnh cung cấp dịch vụ công trực tuyến trong lĩnh vực cư trú, căn cước, xuất nhập cảnh."],
    "UBND các huyện, thị xã, thành phố": [
        "Chỉ đạo UBND cấp xã thực hiện tốt dân chủ ở cơ sở, công khai các thông tin thuộc diện phải công "
        "khai tại trụ sở và nhà văn hóa thôn, tổ dân phố.",
        "Bố trí công chức có năng lực, phẩm chất tốt làm việc tại Bộ phận Một cửa cấp huyện, cấp xã; cải "
        "thiện cơ sở vật chất, trang thiết bị phục vụ người dân."],
    "Bưu điện tỉnh": [
        "Thực hiện nghiêm túc việc phát, thu phiếu khảo sát theo chỉ đạo của Bộ Nội vụ; bố trí điều tra "
        "viên có kỹ năng giao tiếp, đạo đức nghề nghiệp tốt."],
    "Báo và Đài Phát thanh - Truyền hình tỉnh": [
        "Mở chuyên trang, chuyên mục tuyên truyền về cải cách hành chính; phản ánh kịp thời những việc "
        "làm tốt và chưa tốt của các cơ quan, đơn vị trong giải quyết thủ tục hành chính."],
}
GENERIC_DUTIES = [
    "Căn cứ chức năng, nhiệm vụ được giao, xây dựng kế hoạch cụ thể để cải thiện các tiêu chí thuộc lĩnh vực "
    "quản lý; định kỳ báo cáo kết quả thực hiện về Sở Nội vụ trước ngày 15 của tháng cuối quý.",
    "Rà soát, đơn giản hóa thủ tục hành chính thuộc phạm vi quản lý; công khai đầy đủ, kịp thời thủ tục hành "
    "chính trên Cổng Dịch vụ công của tỉnh.",
    "Quán triệt cán bộ, công chức, viên chức nâng cao tinh thần trách nhiệm, thái độ phục vụ người dân, "
    "doanh nghiệp; xử lý nghiêm các trường hợp vi phạm.",
    "Phối hợp với Sở Nội vụ và các cơ quan liên quan thực hiện các nhiệm vụ cải cách hành chính được giao, "
    "bảo đảm chất lượng, đúng tiến độ.",
    "Đẩy mạnh ứng dụng công nghệ thông tin, chuyển đổi số trong hoạt động chỉ đạo, điều hành và cung cấp "
    "dịch vụ công trực tuyến thuộc lĩnh vực quản lý.",
]
OPENERS = ["Năm {Y}, ", "Trong thời gian qua, ", "Bên cạnh đó, ", "Nhìn chung, ", "Qua kết quả khảo sát, ",
           "Thực hiện chỉ đạo của UBND tỉnh, ", "Trong năm, ", ""]
SUBJECTS = ["các sở, ban, ngành tỉnh", "UBND các huyện, thị xã, thành phố", "UBND cấp xã",
            "đội ngũ cán bộ, công chức, viên chức", "Bộ phận Một cửa các cấp",
            "Trung tâm Phục vụ hành chính công tỉnh", "các cơ quan, đơn vị, địa phương"]
VERBS = ["đã tập trung triển khai", "tiếp tục quan tâm chỉ đạo", "từng bước nâng cao chất lượng",
         "chưa thực sự chú trọng", "đã chủ động rà soát", "tích cực thực hiện", "duy trì thường xuyên"]
OBJECTS = ["công tác cải cách thủ tục hành chính", "việc số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
           "việc công khai, minh bạch thông tin", "công tác tiếp nhận, xử lý phản ánh, kiến nghị",
           "việc cung cấp dịch vụ công trực tuyến toàn trình", "công tác kiểm tra, giám sát thực thi công vụ",
           "việc thực hiện dân chủ ở cơ sở", "công tác thông tin, tuyên truyền về chính sách"]
PURPOSES = ["góp phần nâng cao mức độ hài lòng của người dân, tổ chức",
            "tạo chuyển biến tích cực trong thực thi công vụ",
            "bảo đảm thuận lợi cho người dân, doanh nghiệp",
            "tuy nhiên kết quả đạt được chưa đồng đều giữa các địa phương",
            "qua đó cải thiện thứ hạng các chỉ số của tỉnh", "song hiệu quả ở một số nơi còn hạn chế"]


class Prose:
    """Paragraphs for padding: pooled sentences plus templated ones, so that pages of
    analysis read like the real reports without repeating one block verbatim."""

    def __init__(self, rng: random.Random, num: Num, place: str, year: int):
        self.rng, self.num = rng, num
        self.vars = {"tinh": place, "Y": year, "P": year - 1, "Y1": year + 1,
                     "ubnd": "UBND tỉnh" if place.startswith("tỉnh") else "UBND thành phố"}

    def fill(self, s: str) -> str:
        r = self.rng
        extra = {"pct": self.num.pct(r.uniform(4, 99)), "pct2": self.num.pct(r.uniform(2, 15)),
                 "chg": self.num.pct(r.uniform(0.5, 12)), "n": r.randint(3, 48)}
        return s.format(**self.vars, **extra)

    def templated(self) -> str:
        r = self.rng
        s = (f"{r.choice(OPENERS)}{r.choice(SUBJECTS)} {r.choice(VERBS)} {r.choice(OBJECTS)}, "
             f"{r.choice(PURPOSES)}.")
        s = self.fill(s)
        return s[0].upper() + s[1:]

    def para(self, *pools: Sequence[str], n: tuple[int, int] = (2, 4)) -> str:
        out = []
        for _ in range(self.rng.randint(*n)):
            if self.rng.random() < 0.3:
                out.append(self.templated())
            else:
                out.append(self.fill(self.rng.choice(self.rng.choice(pools))))
        return " ".join(dict.fromkeys(out))  # drop exact repeats, keep order


# --------------------------------------------------------------------------------------
# the DOCX builder, with a running page estimate
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Layout:
    """Typography of one document: real reports differ in size, spacing and indents."""

    body_pt: float
    table_pt: float
    spacing: float
    after: float
    indent: float
    heading: str  # run format of level-2 headings: "b" or "bi"


class FN:
    """A footnote reference inside a paragraph."""

    def __init__(self, text: str):
        self.text = text


@dataclass
class C:
    """One table cell (UP / LEFT mark cells merged into the one above / to the left)."""

    text: str
    bold: bool = False
    italic: bool = False
    align: str = "center"


UP, LEFT = "\x00up", "\x00left"
ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
         "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}
Part_ = str | tuple[str, str] | FN


class Doc:
    """python-docx document in the official format (A4, margins 2/2/3/2 cm, Liberation Serif)
    that also estimates its own page count as content is added, so that builders can grow
    a document until it reaches a target length without converting it."""

    MARGINS = (2.0, 2.0, 3.0, 2.0)  # top, bottom, left, right (cm)

    def __init__(self, lay: Layout):
        self.d = Document()
        self.lay = lay
        self.footnotes: list[str] = []
        self.landscape = False
        self.pages = 0  # completed pages (estimate)
        self.y = 0.0  # points used on the current page (estimate)
        self._styles()
        self._page(self.d.sections[0], landscape=False)
        s = self.d.sections[0]
        s.different_first_page_header_footer = True  # page numbers from page 2, as in real reports
        hp = s.header.paragraphs[0]
        hp.alignment = WD_ALIGN_PARAGRAPH.CENTER
        hp._p.append(parse_xml(
            f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "><w:r><w:t>2</w:t></w:r></w:fldSimple>'))

    # -- setup -------------------------------------------------------------------------
    def _styles(self) -> None:
        styles = self.d.styles.element
        rpr = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
        rf = rpr.find(qn("w:rFonts"))
        for a in list(rf.attrib):
            del rf.attrib[a]
        for a in ("ascii", "hAnsi", "cs", "eastAsia"):
            rf.set(qn(f"w:{a}"), FONT)
        rpr.find(qn("w:lang")).set(qn("w:val"), "vi-VN")
        normal = self.d.styles["Normal"]
        normal.font.name = FONT
        normal.font.size = Pt(self.lay.body_pt)
        normal.element.rPr.rFonts.set(qn("w:cs"), FONT)
        normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
        pf = normal.paragraph_format
        pf.space_before = pf.space_after = Pt(0)
        pf.line_spacing = self.lay.spacing

    def _page(self, s, *, landscape: bool) -> None:
        w, h = (Cm(29.7), Cm(21)) if landscape else (Cm(21), Cm(29.7))
        s.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        s.page_width, s.page_height = w, h
        top, bottom, left, right = self.MARGINS
        s.top_margin, s.bottom_margin = Cm(top), Cm(bottom)
        s.left_margin, s.right_margin = Cm(left), Cm(right)
        s.header_distance = s.footer_distance = Cm(1)

    # -- page estimate -----------------------------------------------------------------
    @property
    def body_w(self) -> float:
        return ((29.7 if self.landscape else 21.0) - self.MARGINS[2] - self.MARGINS[3]) * CM

    @property
    def body_h(self) -> float:
        return ((21.0 if self.landscape else 29.7) - self.MARGINS[0] - self.MARGINS[1]) * CM

    @property
    def est_pages(self) -> float:
        return self.pages + self.y / self.body_h

    def _flow(self, h: float) -> None:
        """Text that may break across pages."""
        self.y += h
        while self.y > self.body_h:
            self.pages += 1
            self.y -= self.body_h

    def _block(self, h: float, repeat: float = 0.0) -> None:
        """A table row (never split): moves to the next page, under a repeated header."""
        if self.y + h > self.body_h and self.y > 0:
            self.pages += 1
            self.y = repeat
        self._flow(h)

    def new_page(self) -> None:
        if self.y > 0:
            self.pages += 1
            self.y = 0.0

    @staticmethod
    def lines(text: str, width_pt: float, size: float) -> int:
        per_line = max(1.0, width_pt / (size * CHAR_EM))
        return sum(max(1, math.ceil(len(line) / per_line)) for line in text.split("\n"))

    # -- text --------------------------------------------------------------------------
    def _runs(self, par, parts: Sequence[Part_], *, size=None, bold=False, italic=False) -> str:
        texts = []
        for part in parts:
            if isinstance(part, FN):
                self.footnotes.append(nfc(part.text))
                r = par.add_run()
                r.font.superscript = True
                r._r.append(parse_xml(
                    f'<w:footnoteReference {nsdecls("w")} w:id="{len(self.footnotes)}"/>'))
                self._flow(self.lines(part.text, self.body_w, 10) * 10 * LINE_EM + 2)
                continue
            text, f = part if isinstance(part, tuple) else (part, "")
            text = nfc(text)
            r = par.add_run(text)
            if bold or "b" in f:
                r.bold = True
            if italic or "i" in f:
                r.italic = True
            if size:
                r.font.size = Pt(size)
            texts.append(text)
        return "".join(texts)

    def p(self, *parts: Part_, align="justify", indent: float | None = None, bold=False, italic=False,
          size: float | None = None, before: float = 0, after: float | None = None, keep=False,
          page_break=False):
        par = self.d.add_paragraph()
        pf = par.paragraph_format
        pf.alignment = ALIGN[align]
        indent = self.lay.indent if indent is None else indent
        if indent:
            pf.first_line_indent = Cm(indent)
        after = self.lay.after if after is None else after
        pf.space_after, pf.space_before = Pt(after), Pt(before)
        pf.keep_with_next = keep
        if page_break:
            pf.page_break_before = True
            self.new_page()
        text = self._runs(par, parts, size=size, bold=bold, italic=italic)
        size = size or self.lay.body_pt
        n = self.lines(" " * int(indent * 4) + text, self.body_w, size)
        self._flow(n * size * LINE_EM * self.lay.spacing + after + before)
        return par

    def h(self, text: str, fmt: str = "b") -> None:
        """A heading line such as 'II. KẾT QUẢ', '1.1. ...', 'a) ...'."""
        self.p((text, fmt), keep=True, before=3, after=3)

    def center(self, text: str, *, bold=True, italic=False, size=None, after=0.0, page_break=False) -> None:
        self.p(text, align="center", indent=0, bold=bold, italic=italic, size=size, after=after,
               page_break=page_break)

    def blank(self, size: float = 6) -> None:
        par = self.d.add_paragraph()
        par.paragraph_format.space_after = Pt(0)
        par.add_run("").font.size = Pt(size)
        self._flow(size * LINE_EM)

    def section(self, *, landscape: bool) -> None:
        """Start a new section (new page), e.g. a landscape annex for a wide table."""
        s = self.d.add_section(WD_SECTION.NEW_PAGE)
        self._page(s, landscape=landscape)
        self.new_page()
        self.landscape = landscape

    # -- tables ------------------------------------------------------------------------
    def table(self, widths: Sequence[float], rows: Sequence[Sequence[str | C]], *, header_rows: int = 1,
              size: float | None = None, style: str | None = "Table Grid", after_blank: bool = True):
        """rows: cells as str | C | UP | LEFT.  Header rows repeat on every page; data rows never
        split (NB: no cantSplit on the header: LibreOffice 7.4 then drops continuation rows)."""
        size = size or self.lay.table_pt
        t = self.d.add_table(rows=len(rows), cols=len(widths))
        if style:
            t.style = self.d.styles[style]
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        t.autofit = False
        for i, w in enumerate(widths):
            t.columns[i].width = Cm(w)
        anchor: dict[tuple[int, int], tuple[int, int]] = {}
        extent: dict[tuple[int, int], list[int]] = {}  # anchor -> [last row, last col]
        header_h = 0.0
        for r, (row, spec) in enumerate(zip(t.rows, rows, strict=True)):
            cells = row.cells
            row_lines = 1
            for c, item in enumerate(spec):
                cells[c].width = Cm(widths[c])
                if item in (UP, LEFT):
                    a = anchor[(r - 1, c)] if item == UP else anchor[(r, c - 1)]
                    anchor[(r, c)] = a
                    ext = extent[a]
                    ext[0], ext[1] = max(ext[0], r), max(ext[1], c)
                    continue
                anchor[(r, c)] = (r, c)
                extent[(r, c)] = [r, c]
                cell = item if isinstance(item, C) else C(item)
                self._cell(cells[c], cell, size)
                span = sum(widths[c:c + 1 + self._span(spec, c)])
                row_lines = max(row_lines, self.lines(cell.text, span * CM - 11, size))
            trpr = row._tr.get_or_add_trPr()
            trpr.append(OxmlElement("w:tblHeader" if r < header_rows else "w:cantSplit"))
            h = row_lines * size * LINE_EM + 1.2
            if r < header_rows:
                header_h += h
                self._block(h)
            else:
                self._block(h, repeat=header_h)
        for (r0, c0), (r1, c1) in extent.items():
            if (r1, c1) != (r0, c0):
                t.cell(r0, c0).merge(t.cell(r1, c1))
        if after_blank:
            self.blank()
        return t

    @staticmethod
    def _span(spec: Sequence[str | C], c: int) -> int:
        n = 0
        while c + 1 + n < len(spec) and spec[c + 1 + n] == LEFT:
            n += 1
        return n

    def _cell(self, cell, spec: C, size: float) -> None:
        for i, line in enumerate(nfc(spec.text).split("\n")):
            par = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
            pf = par.paragraph_format
            pf.space_before = pf.space_after = Pt(0)
            pf.line_spacing = 1.0
            pf.alignment = ALIGN[spec.align]
            if line:
                r = par.add_run(line)
                r.font.size = Pt(size)
                r.bold = spec.bold or None
                r.italic = spec.italic or None
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER

    # -- blocks ------------------------------------------------------------------------
    def masthead(self, left: list[tuple[str, str, float]], right: list[tuple[str, str, float]]) -> None:
        """Borderless 2-column header: issuer + number | national motto + place/date."""
        t = self.d.add_table(rows=1, cols=2)
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        t.autofit = False
        widths = (5.8, 10.2)
        for col, w in zip(t.columns, widths, strict=True):
            col.width = Cm(w)
        for cell, lines, w in zip(t.rows[0].cells, (left, right), widths, strict=True):
            cell.width = Cm(w)
            for i, (text, f, size) in enumerate(lines):
                par = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
                par.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
                par.paragraph_format.space_after = Pt(0)
                self._runs(par, [(text, f)], size=size)
        n = max(sum(self.lines(t_, w * CM, s) for t_, _, s in lines)
                for lines, w in ((left, 5.8), (right, 10.2)))
        self._flow(n * 13 * LINE_EM)
        self.blank()

    def signature(self, recipients: list[str], sign: list[str], name: str) -> None:
        t = self.d.add_table(rows=1, cols=2)
        t.autofit = False
        t.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # keep the block together
        left, right = t.rows[0].cells
        for col, cell, w in zip(t.columns, (left, right), (7.6, 8.4), strict=True):
            col.width = cell.width = Cm(w)
        self._runs(left.paragraphs[0], [("Nơi nhận:", "bi")], size=12)
        for line in recipients:
            self._runs(left.add_paragraph(), [line], size=11)
        for i, line in enumerate([*sign, "", "", "", name]):
            par = right.paragraphs[0] if i == 0 else right.add_paragraph()
            par.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
            self._runs(par, [(line, "b")], size=13)
        self._block(max(len(recipients) * 11 + 12, (len(sign) + 4) * 13) * LINE_EM + 6)

    # -- output ------------------------------------------------------------------------
    def _footnotes_part(self) -> None:
        if not self.footnotes:
            return
        ppr = '<w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
        body = [
            f'<w:footnote w:type="separator" w:id="-1"><w:p>{ppr}<w:r><w:separator/></w:r></w:p>'
            f'</w:footnote>',
            f'<w:footnote w:type="continuationSeparator" w:id="0"><w:p>{ppr}<w:r>'
            f'<w:continuationSeparator/></w:r></w:p></w:footnote>',
        ]
        for i, text in enumerate(self.footnotes, 1):
            body.append(
                f'<w:footnote w:id="{i}"><w:p><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/>'
                f'<w:jc w:val="both"/></w:pPr><w:r><w:rPr><w:vertAlign w:val="superscript"/>'
                f'<w:sz w:val="20"/>'
                f'</w:rPr><w:footnoteRef/></w:r><w:r><w:rPr><w:sz w:val="20"/></w:rPr>'
                f'<w:t xml:space="preserve"> {escape(text)}</w:t></w:r></w:p></w:footnote>')
        xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               f'<w:footnotes {nsdecls("w", "r")}>' + "".join(body) + "</w:footnotes>")
        part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, xml.encode("utf-8"),
                    self.d.part.package)
        self.d.part.relate_to(part, RT.FOOTNOTES)

    def save(self, path: Path, *, title: str, author: str, when: datetime) -> None:
        """Fixed core properties and zip timestamps: the same seed gives the same bytes."""
        cp = self.d.core_properties
        cp.title, cp.author, cp.last_modified_by = nfc(title), nfc(author), nfc(author)
        cp.subject = cp.keywords = cp.category = ""
        cp.comments = "Synthetic benchmark document (chiso benchmarks/make_corpus.py)"
        cp.created = cp.modified = cp.last_printed = when
        cp.revision = 1
        self._footnotes_part()
        buf = io.BytesIO()
        self.d.save(buf)
        path.write_bytes(normalize_docx(buf.getvalue()))


def normalize_docx(data: bytes) -> bytes:
    """Rewrite the zip with fixed timestamps and without the template's thumbnail."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        items = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, blob in items:
            if name == "docProps/thumbnail.jpeg":
                continue
            if name == "_rels/.rels":
                blob = re.sub(rb"<Relationship [^>]*thumbnail[^>]*/>", b"", blob)
            zi = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            z.writestr(zi, blob)
    return out.getvalue()


# --------------------------------------------------------------------------------------
# one document: its spec (drawn by the planner) and the context builders work in
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Spec:
    index: int
    kind: str  # SIPAS | PAR | PAPI | CV
    fmt: str  # docx | pdf
    target: int  # pages aimed at
    year: int  # the year the figures are about
    issued: date
    province: Province
    seed: int

    @property
    def stem(self) -> str:
        return f"{self.index:03d}_{self.kind.lower()}_{self.province.code}_{self.year}"


class Ctx:
    """Everything a builder needs: the document, its random stream and its conventions."""

    def __init__(self, spec: Spec):
        self.spec = spec
        self.r = r = random.Random(f"{spec.seed}/{spec.index}")
        self.num = Num(sep="," if r.random() < 0.72 else ".", pct_space=r.random() < 0.12,
                       chg=r.choices(["signed", "bare", "words"], [6, 2, 1])[0])
        body = r.choice([13, 13, 14])
        self.doc = Doc(Layout(body_pt=body, table_pt=r.choice([11, 12]) if body == 14 else 11,
                              spacing=r.choice([1.0, 1.0, 1.1, 1.15, 1.2]), after=r.choice([3, 4, 6]),
                              indent=r.choice([1.0, 1.0, 1.27]), heading=r.choice(["b", "bi"])))
        self.prov = spec.province
        self.place = spec.province.full
        self.Y, self.P = spec.year, spec.year - 1
        self.prose = Prose(r, self.num, self.place, spec.year)
        self.by_snv = spec.kind in ("SIPAS", "PAPI") and r.random() < 0.2  # issued by Sở Nội vụ
        self.agencies = AGENCIES_2025 if spec.issued.year >= 2025 else AGENCIES_OLD
        self.annexes = 0

    # -- shared blocks -------------------------------------------------------------------
    def date_line(self) -> str:
        d = self.spec.issued
        day = f"{d.day:02d}" if self.r.random() < 0.5 else str(d.day)
        month = f"{d.month:02d}" if d.month < 3 else str(d.month)
        return f"{self.prov.name}, ngày {day} tháng {month} năm {d.year}"

    def dmy(self, d: date) -> str:
        if self.r.random() < 0.5:
            return f"{d.day:02d}/{d.month:02d}/{d.year}"
        return f"{d.day}/{d.month}/{d.year}"

    def masthead(self, code: str, subject: str | None = None) -> str:
        number = f"{self.r.randint(12, 980)}/{code}"
        left = [("ỦY BAN NHÂN DÂN", "b", 13), (f"{self.prov.kind} {self.prov.name}".upper(), "b", 13)]
        if self.by_snv:
            left = [(f"UBND {self.prov.full}".upper(), "", 13), ("SỞ NỘI VỤ", "b", 13)]
            number = number.replace("UBND", "SNV")
        left += [("", "", 8), (f"Số: {number}", "", 13)]
        if subject:
            left.append((subject, "", 11))
        right = [("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "b", 12), ("Độc lập - Tự do - Hạnh phúc", "b", 13),
                 ("", "", 8), (self.date_line(), "i", 13)]
        self.doc.masthead(left, right)
        return number

    def sign(self, recipients: list[str]) -> None:
        if self.by_snv:
            lines = self.r.choice([["GIÁM ĐỐC"], ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]])
        else:
            lines = self.r.choice([["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"],
                                   ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]])
        self.doc.signature([*recipients, "- Lưu: VT, " + self.r.choice(["NC", "KSTT", "NV", "TH"]) + "."],
                           lines, person(self.r))

    def annex(self, title: str, ref: str | None = None) -> None:
        """'Phụ lục N' on a new page, its title and the '(Kèm theo ...)' line; N counts up."""
        self.annexes += 1
        self.doc.center(f"Phụ lục {roman(self.annexes)}", page_break=True)
        self.doc.center(title.upper(), after=0 if ref else 6)
        if ref:
            self.doc.center(ref, bold=False, italic=True, after=6)

    def heading(self, text: str) -> None:
        self.doc.h(text, self.doc.lay.heading)

    def para(self, *pools: Sequence[str], n: tuple[int, int] = (2, 4)) -> None:
        self.doc.p(self.prose.para(*pools, n=n))

    def assessment(self, no: str) -> None:
        """'ĐÁNH GIÁ CHUNG': results, shortcomings, causes -- the analysis every report has."""
        self.doc.h(f"{no}. ĐÁNH GIÁ CHUNG")
        for i, (title, pool) in enumerate((("Kết quả đạt được", ACHIEVED), ("Tồn tại, hạn chế", LIMITS),
                                           ("Nguyên nhân của những tồn tại, hạn chế", CAUSES)), 1):
            self.heading(f"{i}. {title}")
            for _ in range(self.r.randint(2, 4)):
                self.para(pool)

    def tasks(self, no: str, index_name: str) -> None:
        self.doc.h(f"{no}. MỤC TIÊU, NHIỆM VỤ VÀ GIẢI PHÁP NÂNG CAO {index_name} NĂM {self.Y + 1}")
        self.heading("1. Mục tiêu")
        self.doc.p(f"Tiếp tục cải thiện, nâng cao {index_name} của {self.place} năm {self.Y + 1}; phấn đấu "
                   f"tăng ít nhất {self.r.randint(2, 10)} bậc so với năm {self.Y}, không có chỉ số thành "
                   "phần nào giảm điểm.")
        self.heading("2. Nhiệm vụ và giải pháp")
        picks = self.r.sample(TASKS, k=self.r.randint(5, 9))
        fmt = self.r.choice(["-", "letters", "plain"])
        for i, t in enumerate(picks):
            t = self.prose.fill(t)
            self.doc.p(f"- {t}" if fmt == "-" else f"{LETTERS[i]}) {t}" if fmt == "letters" else t)

    def duties(self, agencies: Sequence[str]) -> None:
        """'Nhiệm vụ của các cơ quan': a heading per agency, one to three duty paragraphs."""
        for i, ag in enumerate(agencies, 1):
            self.heading(f"{i}. {ag}")
            pool = DUTIES.get(ag) or GENERIC_DUTIES
            for s in self.r.sample(pool, k=min(len(pool), self.r.randint(1, 3))):
                self.doc.p(self.prose.fill(s))

    def grow(self, sections: Sequence[Callable[[], None]], until: float) -> None:
        """Add sections in order while the page estimate is below `until`."""
        for sec in sections:
            if self.doc.est_pages >= until:
                return
            sec()

    def pad(self, makers: Sequence[Callable[[], None]], until: float) -> None:
        """Annex material, round-robin over makers, until the estimate reaches `until`."""
        i = 0
        while self.doc.est_pages < until and i < 400:
            makers[i % len(makers)]()
            i += 1

    def ranked(self, names: Sequence[str], lo: float, hi: float) -> list[tuple[str, float, int]]:
        """(name, value, rank) in listing order; ranks by value, no ties."""
        vals = {n: round(self.r.uniform(lo, hi), 2) for n in names}
        while len(set(vals.values())) < len(vals):
            vals = {n: v + round(self.r.uniform(-0.05, 0.05), 2) for n, v in vals.items()}
        order = sorted(names, key=lambda n: -vals[n])
        return [(n, vals[n], order.index(n) + 1) for n in names]

    def districts(self, k: int) -> list[str]:
        """k district-level units: the provincial city first, then huyện / thị xã (quận in a
        municipality).  Names come from a generic pool, not from the province's real map."""
        if self.prov.kind == "tỉnh":
            head, kinds = [f"UBND thành phố {self.prov.name}"], ["huyện"] * 6 + ["thị xã"]
        else:
            head, kinds = [], ["quận"] * 3 + ["huyện"] * 3 + ["thị xã"]
        rest = self.r.sample(DISTRICT_NAMES, k=k - len(head))
        return head + [f"UBND {self.r.choice(kinds)} {n}" for n in rest]


def two_years(r: random.Random, lo: float, hi: float, drift: float = 3.0) -> tuple[float, float]:
    a = round(r.uniform(lo, hi), 2)
    b = round(min(99.9, max(0.05, a - r.uniform(-drift / 2, drift))), 2)
    return a, b


# --------------------------------------------------------------------------------------
# SIPAS analysis report
# --------------------------------------------------------------------------------------

SIPAS_PERCEPTION = [  # (section title, group label in the table, value range, items)
    ("Mức độ quan tâm của người dân đối với chính sách",
     "Mức độ quan tâm của người dân đối với các chính sách của cơ quan nhà nước.", (74, 86),
     ["Chính sách giáo dục phổ thông ở địa phương, ", "Chính sách  trật tự, an toàn xã hội ở địa phương, ",
      "Chính sách  điện sinh hoạt ở địa phương, ", "Chính sách  nước sinh hoạt ở địa phương, ",
      "Chính sách  khám, chữa bệnh ở địa phương, ", "Chính sách  an sinh, xã hội ở địa phương, ",
      "Chính sách  giao thông đường bộ ở địa phương, ", "Chính sách  cải cách hành chính ở địa phương, ",
      "Chính sách  phát triển kinh tế ở địa phương, "]),
    ("Các kênh thông tin mà người dân sử dụng để theo dõi các chính sách của cơ quan nhà nước ở địa phương",
     "Kênh thông tin người dân đã sử dụng để theo dõi các chính sách", (12, 70),
     ["Qua họp, sinh hoạt, thông báo tại khu dân cư.", "Qua mạng internet.", "Qua đài, ti vi, báo chí.",
      "Qua loa phát thanh xã.", "Qua chính quyền, công chức.", "Qua người thân, bạn bè.",
      "Qua hình thức khác."]),
    ("Mức độ phù hợp của các hình thức cung cấp thông tin về chính sách",
     "Mức độ phù hợp của các hình thức cung cấp thông tin về chính sách", (70, 86),
     ["Qua mạng internet", "Qua đài, ti vi, báo chí", "Qua họp, sinh hoạt, thông báo tại khu dân cư",
      "Qua chính quyền, công chức", "Qua người thân, bạn bè", "Qua loa phát thanh xã", "Qua hình thức khác"]),
    ("Mức độ sẵn sàng tham gia góp ý của người dân đối với chính sách của cơ quan nhà nước",
     "Sự tham gia góp ý của người dân đối với chính sách", (4, 50),
     ["Sẽ tham gia, nếu được xin ý kiến tại cuộc họp cư dân. ",
      "Sẽ tham gia, nếu được xin ý kiến theo hình thức gửi phiếu xin ý kiến đến nhà, cơ quan. ",
      "Sẽ tham gia, nếu được xin ý kiến theo bất kỳ hình thức nào. ",
      "Sẽ tham gia, nếu được xin ý kiến theo hình thức trực tuyến trên Trang thông tin điện tử của chính "
      "quyền",
      "Sẽ tham gia, nếu được xin ý kiến theo hình thức trực tuyến qua zalo, facebook"]),
    ("Suy nghĩ của người dân về tình trạng công chức gây phiền hà, sách nhiễu",
     "Suy nghĩ của người dân về tình trạng công chức phiền hà, sách nhiễu.", "shares",
     ["Không có công chức nào gây phiền hà, sách nhiễu.", "Có một số công chức gây phiền hà, sách nhiễu.",
      "Có nhiều công chức gây phiền hà, sách nhiễu."]),
    ("Suy nghĩ của người dân về tình trạng phải đưa tiền ngoài quy định cho công chức trong quá trình giải "
     "quyết TTHC", "Suy nghĩ của người dân về việc đưa tiền ngoài quy định cho công chức", "shares",
     ["Không có người dân nào phải đưa tiền ngoài quy định.",
      "Có một số người dân phải đưa tiền ngoài quy định.",
      "Có nhiều người dân phải đưa tiền ngoài quy định."]),
    ("Mức độ phù hợp của các hình thức giải quyết TTHC", "Mức độ phù hợp của các hình thức giải quyết TTHC.",
     (70, 86),
     ["Hình thức trực tiếp. ", "Hình thức trực tuyến một phần. ", "Hình thức trực tuyến toàn trình. "]),
    ("Trải nghiệm của người dân về việc giải quyết công việc với cơ quan chính quyền",
     "Trải nghiệm của người dân về việc giải quyết công việc với cơ quan chính quyền.", (3, 65),
     ["Đã giải quyết TTHC theo hình thức trực tiếp",
      "Có người thân đang/đã đi học phổ thông 3 năm trở lại đây, ",
      "Bản thân/ người thân đã khám, chữa bệnh tại bệnh viện, phòng khám đa khoa tuyến tỉnh, huyện, xã, ",
      "Đã giải quyết TTHC theo hình thức trực tuyến toàn trình",
      "Đã hỏi chính quyền, công chức về chính sách, TTHC, ",
      "Đã nêu ý kiến đánh giá với chính quyền về kết quả thực hiện chính sách, kết quả giải quyết TTHC",
      "Đã nêu ý kiến phản ánh, kiến nghị với chính quyền về chính sách, TTHC. "]),
]
SIPAS_POLICY = [  # (heading, group, criteria)
    ("Mức độ hài lòng của người dân về trách nhiệm giải trình của chính quyền về chính sách",
     "Trách nhiệm giải trình của chính quyền về chính sách",
     ["Chính quyền cung cấp, giải thích thông tin về các chính sách theo nhiều hình thức, giúp người dân "
      "dễ tìm, dễ thấy. ", "Chính quyền cung cấp thông tin về các CS đầy đủ, dễ hiểu cho người dân. "]),
    ("Mức độ hài lòng của người dân về sự tham gia vào quá trình xây dựng, tổ chức thực hiện chính sách",
     "Sự tham gia của người dân vào quá trình xây dựng, tổ chức thực hiện chính sách",
     ["Chính quyền tổ chức nhiều hình thức để người dân dễ dàng tham gia ý kiến xây dựng CS. ",
      "Chính quyền tổ chức nhiều hình thức để người dân dễ dàng phản hồi ý kiến đánh giá tình hình triển "
      "khai và kết quả, tác động của CS ở địa phương. "]),
    ("Mức độ hài lòng của người dân đối với chất lượng tổ chức thực hiện chính sách",
     "Chất lượng tổ chức, thực hiện chính sách",
     [f"Chính quyền tổ chức thực hiện tốt chính sách {x} ở địa phương. " for x in (
         "phát triển kinh tế", "khám chữa bệnh", "giáo dục phổ thông", "trật tự, an toàn xã hội",
         "giao thông đường bộ", "điện sinh hoạt", "nước sinh hoạt", "an sinh xã hội",
         "cải cách hành chính")]),
    ("Mức độ hài lòng của người dân đối với kết quả, tác động của chính sách",
     " Kết quả, tác động của chính sách",
     ["Kinh tế gia đình của người dân địa phương tốt hơn. ", "Kinh tế - xã hội của địa phương tốt hơn. ",
      "Bệnh viện công lập ở địa phương khám chữa bệnh cho người dân tốt hơn. ",
      "Trường phổ thông công lập dạy học sinh tốt hơn. ", "Trật tự, an toàn xã hội ở địa phương tốt hơn. ",
      "Đường bộ, giao thông ở địa phương tốt hơn. ", "Điện sinh hoạt của người dân ở địa phương tốt hơn. ",
      "Nước sinh hoạt của người dân ở địa phương tốt hơn. ",
      "An sinh xã hội đối với người dân ở địa phương tốt hơn. ",
      "Cơ quan hành chính nhà nước, CBCCVC ở địa phương có năng lực và thực thi công vụ tốt hơn. "]),
]
SIPAS_SERVICE = [
    ("Mức độ hài lòng của người dân đối với tiếp cận dịch vụ", "Tiếp cận dịch vụ ",
     ["BPMC có biển hiệu, hướng dẫn rõ ràng, dễ tìm, dễ thấy. ",
      "BPMC có đủ ghế ngồi chờ, ghế ngồi giải quyết công việc và bàn viết cho người dân",
      "BPMC có trang thiết bị phục vụ người dân đầy đủ, chất lượng tốt, giúp giải quyết công việc dễ dàng "
      "hơn. "]),
    ("Mức độ hài lòng của người dân đối với thủ tục hành chính (TTHC)", "Thủ tục hành chính (TTHC)",
     ["Quy định TTHC được niêm yết công khai tại BPMC dễ thấy, dễ đọc. ",
      "Công chức yêu cầu người dân nộp hồ sơ TTHC đúng quy định. ",
      "Công chức yêu cầu người dân đóng phí/lệ phí TTHC đúng theo quy định. ",
      "Thời hạn giải quyết TTHC đúng theo quy định. "]),
    ("Mức độ hài lòng của người dân đối với công chức trực tiếp giải quyết công việc",
     "Công chức trực tiếp giải quyết công việc ",
     ["Công chức ở BPMC có thái độ giao tiếp lịch sự, tôn trọng người dân ",
      "Công chức ở BPMC hướng dẫn hồ sơ dễ hiểu, đầy đủ, giúp người dân có thể hoàn thiện hồ sơ sau một lần "
      "hướng dẫn", "Công chức ở BPMC tuân thủ đúng quy định trong giải quyết TTHC"]),
    ("Mức độ hài lòng của người dân đối với kết quả dịch vụ", "Kết quả dịch vụ ",
     ["Kết quả giải quyết TTHC được trả đúng hẹn. ",
      "Kết quả giải quyết TTHC có thông tin đầy đủ, chính xác. ",
      "Kết quả giải quyết TTHC đảm bảo tính công bằng. "]),
    ("Mức độ hài lòng của người dân đối với việc tiếp nhận, xử lý phản ánh, kiến nghị",
     "Việc tiếp nhận, xử lý phản ánh, kiến nghị của người dân",
     ["BPMC bố trí hình thức tiếp nhận phản ánh, kiến nghị dễ dàng, ",
      "BPMC tiếp nhận, xử lý phản ánh, kiến nghị đúng quy định, ",
      "BPMC thông báo kết quả xử lý phản ánh kiến nghị cho người dân kịp thời, "]),
]
SIPAS_EXPECT = [
    "Nâng cao năng lực của CBCCVC trong giải quyết công việc cho người dân.",
    "Nâng cao tinh thần, thái độ phục vụ của CBCCVC đối với người dân trong giải quyết công việc cho người "
    "dân.",
    "Tăng cường cơ sở vật chất, trang thiết bị phục vụ giải quyết công việc cho người dân",
    "Nâng cao tính công khai, minh bạch trong cung cấp thông tin cho người dân.",
    "Tăng cường ứng dụng công nghệ thông tin, chuyển đổi số trong giải quyết công việc cho người dân.",
    "Nâng cao chất lượng tiếp nhận, giải quyết ý kiến góp ý, phản ánh, kiến nghị của người dân.",
    "Nâng cao chất lượng cung ứng dịch vụ công trực tuyến để tạo điều kiện thuận lợi, dễ dàng cho người dân.",
    "Tăng cường trách nhiệm giải trình của chính quyền đối với người dân.",
    "Mở rộng các cơ hội tham gia giám sát của người dân đối với hoạt động của chính quyền.",
    "Nâng cao hiệu lực, hiệu quả hoạt động của chính quyền địa phương.",
]
W5 = (3.3, 6.6, 2.0, 2.0, 2.1)
W4 = (9.9, 2.0, 2.0, 2.1)

Row = tuple[str, float | None, float | None]  # label, report year, previous year (None: blank / new)


class Sipas:
    """SIPAS report: comparison tables of the two survey years plus analysis prose."""

    def __init__(self, cx: Ctx):
        self.cx = cx
        r = cx.r
        self.level = r.uniform(78, 90)
        self.two_line = r.random() < 0.6
        self.group_layout = r.choice(["table4", "table4", "table5"])
        self.chg_hdr = r.choice(["Tăng/\ngiảm", "Tăng/giảm", "Tăng, giảm"])
        self.numfmt = r.choice(["{}. ", "{}. ", "{}) "])

    def values(self, spec, items: list[str]) -> list[Row]:
        r = self.cx.r
        if spec == "shares":
            none = round(r.uniform(78, 92), 2)
            many = round(r.uniform(0.3, 3), 2)
            cur = [none, round(100 - none - many, 2), many]
            prev = [round(none - r.uniform(-2, 4), 2), 0.0, round(many + r.uniform(-0.2, 0.8), 2)]
            prev[1] = round(100 - prev[0] - prev[2], 2)
            return list(zip(items, cur, prev, strict=True))
        lo, hi = spec
        vals = sorted((two_years(r, lo, hi) for _ in items), reverse=True)
        rows: list[Row] = [(lab, a, b) for lab, (a, b) in zip(items, vals, strict=True)]
        if r.random() < 0.25:  # a criterion asked for the first time: no previous-year value
            i = r.randrange(len(rows))
            rows[i] = (rows[i][0], rows[i][1], None)
        return rows

    def cells(self, num: Num, a: float | None, b: float | None, bold: bool = False) -> list[str | C]:
        """Year, previous year, change; a criterion new this year reads 'Tiêu chí hỏi mới' across
        the last two columns."""
        sa = C(num.pct(a) if a is not None else "", bold=bold)
        if b is None:
            return [sa, C("Tiêu chí hỏi mới", italic=True), LEFT]
        chg = num.change(a - b) if a is not None else ""
        return [sa, C(num.pct(b), bold=bold), C(chg, bold=bold)]

    def year_hdr(self, y: int) -> C:
        return C(f"Năm\n{y}" if self.two_line else f"Năm {y}", bold=True)

    def table5(self, groups: list[tuple[str, list[Row]]]) -> None:
        """'Tiêu chí' over two columns: a vertically merged group label, numbered criteria."""
        cx = self.cx
        num = cx.num.other() if cx.r.random() < 0.1 else cx.num
        rows: list[list[str | C]] = [[C("Tiêu chí", bold=True), LEFT, self.year_hdr(cx.Y),
                                      self.year_hdr(cx.P),
                                      C(self.chg_hdr, bold=True)]]
        for glabel, items in groups:
            for i, (label, a, b) in enumerate(items, 1):
                rows.append([C(glabel, bold=True) if i == 1 else UP,
                             C(self.numfmt.format(i) + label, align="left"),
                             *self.cells(num, a, b)])
        cx.doc.table(W5, rows)

    def table4(self, group: Row, items: list[Row]) -> None:
        """'Nội dung/tiêu chí': the first data row is the group itself, with values."""
        cx = self.cx
        num = cx.num.other() if cx.r.random() < 0.1 else cx.num
        rows: list[list[str | C]] = [[C("Nội dung/tiêu chí", bold=True), self.year_hdr(cx.Y),
                                      self.year_hdr(cx.P),
                                      C(self.chg_hdr.replace("\n", ""), bold=True)]]
        rows.append([C(group[0], bold=True, align="left"), *self.cells(num, group[1], group[2], bold=True)])
        for i, (label, a, b) in enumerate(items, 1):
            rows.append([C(self.numfmt.format(i) + label, align="left"), *self.cells(num, a, b)])
        cx.doc.table(W4, rows)

    # -- sections -----------------------------------------------------------------------
    def build(self) -> tuple[str, str]:
        cx, doc, r, n, Y, P = self.cx, self.cx.doc, self.cx.r, self.cx.num, self.cx.Y, self.cx.P
        code = "BC-SNV" if cx.by_snv else "BC-UBND"
        cx.masthead(code)
        doc.center(r.choice(["BÁO CÁO", "BÁO CÁO CHUYÊN ĐỀ"]), size=14)
        title = ("Phân tích kết quả Chỉ số hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan "
                 f"hành chính nhà nước (SIPAS) năm {Y} của {cx.place}")
        doc.center(title, after=10)
        qd = f"{r.randint(100, 999)}/QĐ-BNV"
        doc.p(f"Căn cứ Quyết định số {qd} ngày {cx.dmy(date(Y + 1, r.randint(2, 4), r.randint(1, 28)))} của "
              "Bộ trưởng Bộ Nội vụ phê duyệt và công bố Chỉ số hài lòng của người dân, tổ chức đối với sự "
              f"phục vụ của cơ quan hành chính nhà nước năm {Y}",
              FN("Kết quả được công bố tại Hội nghị trực tuyến toàn quốc công bố Chỉ số cải cách hành "
                 f"chính và Chỉ số SIPAS năm {Y} do Bộ Nội vụ tổ chức."),
              f", {'Sở Nội vụ' if cx.by_snv else 'Ủy ban nhân dân ' + cx.place} phân tích, đánh giá kết quả "
              "đạt được, những tồn tại, hạn chế và đề ra giải pháp nâng cao mức độ hài lòng của người dân "
              f"trong năm {Y + 1} như sau:")
        total, total_b = two_years(r, self.level - 2, self.level + 2)
        rank = r.randint(1, 63)
        dists = cx.districts(3)

        def info() -> None:
            doc.h("I. THÔNG TIN CHUNG")
            phieu = r.randint(450, 720)
            doc.p(f"Năm {Y}, Bộ Nội vụ phối hợp với Tổng công ty Bưu điện Việt Nam tổ chức khảo sát tại 63 "
                  f"tỉnh, thành phố trực thuộc Trung ương với tổng số {count(r.randint(36000, 40500))} "
                  f"phiếu; tại {cx.place} đã phát ra {phieu} phiếu, phân bổ đều cho 03 đơn vị hành chính "
                  f"cấp huyện ({', '.join(d.removeprefix('UBND ') for d in dists)})",
                  FN("Đối tượng khảo sát là người dân từ đủ 18 tuổi trở lên, được chọn ngẫu nhiên "
                     "theo danh sách hộ gia đình."), ".")
            doc.p("Nội dung khảo sát gồm 2 nội dung: (1) Việc xây dựng, tổ chức thực hiện chính sách công; "
                  "(2) Việc cung ứng dịch vụ hành chính công của cơ quan nhà nước, gồm 42 chỉ số phản ánh "
                  "nhận định, đánh giá của người dân; 51 chỉ số phản ánh mức độ hài lòng và 10 chỉ số phản "
                  "ánh nhu cầu, mong đợi.")
            doc.h(f"II. KẾT QUẢ CHỈ SỐ SIPAS NĂM {Y}")
            doc.p(f"Chỉ số SIPAS {Y} {cx.place} đạt {n.pct(total)}, {tang_giam(total - total_b)} "
                  f"{n.pct(abs(total - total_b))} so với năm {P}; xếp hạng {rank}/63 tỉnh, thành phố.")
            doc.h("1. Nhận định, đánh giá của người dân đối với sự phục vụ của cơ quan hành chính nhà nước")

        def perception(i: int) -> Callable[[], None]:
            def run() -> None:
                title, glabel, spec, items = SIPAS_PERCEPTION[i]
                rows = self.values(spec, items)
                cx.heading(f"1.{i + 1}. {title}")
                top, low = rows[0], rows[-1]
                doc.p(f"Năm {Y}, kết quả khảo sát đối với nội dung này đạt từ "
                      f"{n.pct(low[1])} - {n.pct(top[1])}. Cao nhất là "
                      f"“{top[0].strip(' ,.')}” ({n.pct(top[1])}), thấp nhất là "
                      f"“{low[0].strip(' ,.')}” ({n.pct(low[1])}). " + cx.prose.templated())
                self.table5([(glabel, rows)])
            return run

        def satisfaction(part: str, no: str,
                         groups: list[tuple[str, str, list[str]]]) -> list[Callable[[], None]]:
            def head() -> None:
                a, b = two_years(r, self.level - 3, self.level + 3)
                doc.h(f"{no}. {part}")
                doc.p(f"Mức độ hài lòng đạt {n.pct(a)}, xếp thứ {r.randint(1, 63)}/63 tỉnh, thành phố, "
                      f"{tang_giam(a - b)} {n.pct(abs(a - b))} so với năm {P} ({n.pct(b)}).")

            def group(k: int) -> Callable[[], None]:
                def run() -> None:
                    heading, glabel, items = groups[k]
                    cx.heading(f"{LETTERS[k]}) {heading}")
                    g = (glabel, *two_years(r, self.level - 3, self.level + 3))
                    rows = [(lab, *two_years(r, g[1] - 2, g[1] + 2)) for lab in items]
                    lo, hi = min(x[1] for x in rows), max(x[1] for x in rows)
                    doc.p(f"Mức độ hài lòng đạt {n.pct(g[1])}, xếp thứ {r.randint(1, 63)}/63 tỉnh, thành "
                          f"phố, {tang_giam(g[1] - g[2])} {n.pct(abs(g[1] - g[2]))} so với năm {P}. Các "
                          f"tiêu chí thành phần đạt từ {n.pct(lo)} - {n.pct(hi)}.")
                    if self.group_layout == "table4":
                        self.table4(g, rows)
                    else:
                        self.table5([(glabel, [g, *rows])])
                return run
            return [head, *(group(k) for k in range(len(groups)))]

        def expectations() -> None:
            doc.h("3. Nhu cầu, mong đợi của người dân")
            doc.p(f"Thứ tự 10 nội dung nhu cầu, mong đợi của người dân năm {Y} có sự thay đổi so với "
                  f"năm {P}:")
            a = sorted(((lab, round(r.uniform(30, 70), 2)) for lab in SIPAS_EXPECT), key=lambda x: -x[1])
            b = sorted(((lab, round(r.uniform(30, 70), 2)) for lab in SIPAS_EXPECT), key=lambda x: -x[1])
            hdr = ("Tiêu chí", f"Năm {Y}", "Tiêu chí", f"Năm {P}")
            rows: list[list[str | C]] = [[C(t, bold=True) for t in hdr]]
            for i, ((la, va), (lb, vb)) in enumerate(zip(a, b, strict=True), 1):
                rows.append([C(f"{i}.{la}", align="left"), n.pct(va),
                             C(f"{i}.{lb}", align="left"), n.pct(vb)])
            doc.table((6.4, 1.6, 6.4, 1.6), rows)
            cx.para(ACHIEVED, n=(1, 2))

        body: list[Callable[[], None]] = [info, *(perception(i) for i in range(len(SIPAS_PERCEPTION)))]
        body += [lambda: doc.h("2. Mức độ hài lòng của người dân đối với sự phục vụ của cơ quan hành chính "
                               "nhà nước")]
        body += satisfaction("Mức độ hài lòng của người dân đối với việc xây dựng, tổ chức thực hiện chính "
                             "sách", "2.1", SIPAS_POLICY)
        body += satisfaction("Mức độ hài lòng của người dân đối với việc cung ứng dịch vụ hành chính công",
                             "2.2", SIPAS_SERVICE)
        def organisation() -> None:
            doc.h("V. TỔ CHỨC THỰC HIỆN")
            cx.duties(r.sample(list(DUTIES), k=r.randint(4, 8)))

        body += [expectations, lambda: cx.assessment("III"), lambda: cx.tasks("IV", "CHỈ SỐ SIPAS"),
                 organisation]
        cx.grow(body, cx.spec.target - 0.6)
        doc.p(f"Trên đây là báo cáo phân tích kết quả Chỉ số SIPAS năm {Y} của {cx.place}; đề nghị các cơ "
              "quan, đơn vị, địa phương căn cứ kết quả phân tích, xây dựng kế hoạch khắc phục tồn tại, hạn "
              f"chế, nâng cao Chỉ số SIPAS năm {Y + 1}./.")
        cx.sign(["- Bộ Nội vụ (b/c);", "- TT Tỉnh ủy, TT HĐND tỉnh (b/c);", "- CT, các PCT UBND tỉnh;",
                 "- Các sở, ban, ngành tỉnh;", "- UBND các huyện, thị xã, thành phố;"])
        cx.pad([self.annex_district, self.annex_agencies, self.annex_plan], cx.spec.target - 0.5)
        return title, "Sở Nội vụ " + cx.place if cx.by_snv else "UBND " + cx.place

    # -- annexes (padding) -----------------------------------------------------------------
    def annex_title(self, title: str) -> None:
        cx = self.cx
        cx.annex(title, f"(Kèm theo Báo cáo của {'Sở Nội vụ' if cx.by_snv else 'UBND ' + cx.place})")

    def annex_district(self) -> None:
        cx = self.cx
        d = cx.districts(2)[-1].removeprefix("UBND ")
        self.annex_title(f"Kết quả đo lường sự hài lòng của người dân năm {cx.Y} tại {d}")
        for _heading, glabel, items in cx.r.sample(SIPAS_SERVICE + SIPAS_POLICY[:2], k=cx.r.randint(2, 4)):
            g = (glabel, *two_years(cx.r, self.level - 4, self.level + 4))
            self.table4(g, [(lab, *two_years(cx.r, g[1] - 3, g[1] + 3)) for lab in items])
        cx.para(LIMITS, CAUSES)

    def annex_agencies(self) -> None:
        cx, n = self.cx, self.cx.num
        self.annex_title(f"Kết quả Chỉ số hài lòng của các cơ quan, đơn vị năm {cx.Y}")
        names = cx.r.sample(cx.agencies, k=cx.r.randint(10, min(25, len(cx.agencies))))
        rows: list[list[str | C]] = [[C(t, bold=True) for t in ("STT", "Tên cơ quan, đơn vị", "Số phiếu",
                                                                "Chỉ số hài lòng (%)", "Xếp hạng")]]
        for k, (name, v, rank) in enumerate(cx.ranked(names, 80, 97), 1):
            rows.append([str(k), C(name, align="left"), str(cx.r.randint(60, 240)), n.f(v), str(rank)])
        cx.doc.table((1.2, 7.6, 2.2, 2.8, 2.2), rows)

    def annex_plan(self) -> None:
        plan_table(self.cx, f"Kế hoạch nâng cao Chỉ số SIPAS năm {self.cx.Y + 1}")


def plan_table(cx: Ctx, title: str) -> None:
    """'STT | Nội dung nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian' -- an action plan."""
    cx.annex(title)
    rows: list[list[str | C]] = [[C(t, bold=True) for t in ("STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì",
                                                            "Cơ quan phối hợp", "Thời gian hoàn thành")]]
    for k, task in enumerate(cx.r.sample(TASKS, k=cx.r.randint(8, 14)), 1):
        lead = cx.r.choice(cx.agencies)
        rows.append([str(k), C(cx.prose.fill(task), align="left"), lead,
                     cx.r.choice(["Các sở, ban, ngành", "UBND cấp huyện", "UBND cấp xã", "Sở Nội vụ"]),
                     cx.r.choice(["Thường xuyên", f"Quý {cx.r.randint(1, 4)}/{cx.Y + 1}", f"Tháng "
                                  f"{cx.r.randint(3, 12)}/{cx.Y + 1}"])])
    cx.doc.table((1.3, 6.8, 2.9, 2.7, 2.3), rows)


# --------------------------------------------------------------------------------------
# PAR INDEX decision
# --------------------------------------------------------------------------------------

PAR_AREAS_2017 = [  # (area, max, criteria)
    ("Công tác chỉ đạo, điều hành cải cách hành chính", 7.0,
     ["Kế hoạch CCHC năm", "Báo cáo CCHC", "Kiểm tra CCHC", "Công tác tuyên truyền CCHC"]),
    ("Xây dựng và tổ chức thực hiện văn bản quy phạm pháp luật tại tỉnh", 5.0,
     ["Xây dựng, ban hành VBQPPL", "Rà soát, hệ thống hóa VBQPPL", "Theo dõi thi hành pháp luật"]),
    ("Cải cách thủ tục hành chính", 8.5,
     ["Rà soát, đánh giá, cập nhật TTHC", "Công khai TTHC", "Thực hiện cơ chế một cửa, một cửa liên thông"]),
    ("Cải cách tổ chức bộ máy hành chính nhà nước", 6.5,
     ["Thực hiện quy định về tổ chức bộ máy", "Thực hiện quy định về quản lý biên chế", "Phân cấp quản lý"]),
    ("Xây dựng và nâng cao chất lượng đội ngũ cán bộ, công chức, viên chức", 8.5,
     ["Xác định vị trí việc làm", "Tuyển dụng công chức, viên chức", "Đào tạo, bồi dưỡng CBCCVC",
      "Đổi mới công tác quản lý CBCCVC"]),
    ("Đổi mới cơ chế quản lý tài chính đối với cơ quan hành chính và đơn vị sự nghiệp công lập", 5.5,
     ["Thực hiện cơ chế tự chủ tại cơ quan hành chính",
      "Thực hiện cơ chế tự chủ tại đơn vị sự nghiệp công lập"]),
    ("Hiện đại hóa hành chính", 7.0,
     ["Ứng dụng công nghệ thông tin", "Cung cấp dịch vụ công trực tuyến", "Áp dụng ISO 9001"]),
    ("Tác động của cải cách hành chính đến người dân, tổ chức và các chỉ tiêu phát triển kinh tế - xã hội",
     52.0,
     ["Mức độ hài lòng của người dân, tổ chức", "Tác động đến phát triển kinh tế - xã hội",
      "Tác động đến quản lý nhà nước"]),
]
PAR_AREAS_2021 = [
    ("Công tác chỉ đạo, điều hành CCHC", 8.0,
     ["Kế hoạch CCHC năm", "Công tác kiểm tra, báo cáo CCHC", "Công tác tuyên truyền CCHC"]),
    ("Xây dựng và tổ chức thực hiện văn bản quy phạm pháp luật tại tỉnh", 7.0,
     ["Xây dựng, ban hành VBQPPL", "Rà soát, hệ thống hóa VBQPPL",
      "Kiểm tra, xử lý VBQPPL; theo dõi thi hành pháp luật"]),
    ("Cải cách thủ tục hành chính", 11.0,
     ["Công bố, công khai TTHC", "Thực hiện cơ chế một cửa, một cửa liên thông",
      "Kết quả giải quyết hồ sơ TTHC"]),
    ("Cải cách tổ chức bộ máy hành chính nhà nước", 8.0,
     ["Sắp xếp, tổ chức bộ máy", "Thực hiện quy định về quản lý biên chế", "Thực hiện phân cấp quản lý"]),
    ("Cải cách chế độ công vụ", 14.0,
     ["Vị trí việc làm và cơ cấu ngạch công chức, chức danh nghề nghiệp viên chức",
      "Tuyển dụng, sử dụng và quản lý CBCCVC", "Đào tạo, bồi dưỡng CBCCVC"]),
    ("Cải cách tài chính công", 10.0,
     ["Quản lý, sử dụng ngân sách nhà nước",
      "Thực hiện cơ chế tự chủ tài chính của đơn vị sự nghiệp công lập", "Quản lý, sử dụng tài sản công"]),
    ("Xây dựng và phát triển Chính quyền điện tử, Chính quyền số", 12.0,
     ["Ứng dụng công nghệ thông tin trong hoạt động của cơ quan hành chính",
      "Cung cấp dịch vụ công trực tuyến",
      "Kết nối, chia sẻ dữ liệu và chuyển đổi số"]),
    ("Tác động của CCHC đến người dân, tổ chức và phát triển kinh tế - xã hội của tỉnh", 30.0,
     ["Mức độ hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan hành chính nhà nước",
      "Tác động của CCHC đến phát triển kinh tế - xã hội của tỉnh",
      "Tác động của CCHC đến chất lượng tổ chức thực hiện chính sách"]),
]


def split_max(r: random.Random, total: float, k: int) -> list[float]:
    """Split an area's maximum into k criterion maxima on a 0.25 grid."""
    quarters = round(total * 4)
    cuts = sorted(r.sample(range(1, quarters), k - 1))
    return [(b - a) / 4 for a, b in zip([0, *cuts], [*cuts, quarters], strict=True)]


class Par:
    """PAR INDEX decision: articles, ranked entity annexes, the province's score table."""

    def __init__(self, cx: Ctx):
        self.cx = cx
        self.areas = PAR_AREAS_2017 if cx.Y <= 2020 else PAR_AREAS_2021
        r = cx.r
        self.agencies = r.sample(cx.agencies, k=r.randint(10, min(25, len(cx.agencies))))
        self.dists = cx.districts(r.randint(10, 16))
        self.ag = cx.ranked(self.agencies, 72, 93)
        self.di = cx.ranked(self.dists, 70, 92)
        # the province's own scores: criteria on a 0.25 grid, areas and the total are their sums
        self.scores: list[tuple[str, float, list[tuple[str, float, float, float]]]] = []
        for label, mx, crits in self.areas:
            share = r.uniform(0.62, 0.98)
            rows = []
            for cl, cm in zip(crits, split_max(r, mx, len(crits)), strict=True):
                ca = min(cm, round(cm * share * r.uniform(0.9, 1.1) * 4) / 4)
                rows.append((cl, cm, min(cm, ca + r.choice([0, 0, 0.25, 0.5])), ca))
            self.scores.append((label, mx, rows))

    def build(self) -> tuple[str, str]:
        cx, doc, r, n, Y = self.cx, self.cx.doc, self.cx.r, self.cx.num, self.cx.Y
        number = cx.masthead("QĐ-UBND")
        doc.center("QUYẾT ĐỊNH", size=14)
        title = (f"Về việc phê duyệt và công bố Chỉ số cải cách hành chính năm {Y} của các sở, ban, ngành "
                 "tỉnh; UBND các huyện, thị xã, thành phố")
        doc.center(title, after=10)
        doc.center(r.choice(["ỦY BAN NHÂN DÂN ", "CHỦ TỊCH ỦY BAN NHÂN DÂN "]) + cx.place.upper(), after=8)
        for line in (
            "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ sung "
            "một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng "
            "11 năm 2019;",
            "Căn cứ Nghị quyết số 76/NQ-CP ngày 15 tháng 7 năm 2021 của Chính phủ ban hành Chương trình "
            "tổng thể cải cách hành chính nhà nước giai đoạn 2021 - 2030;" if Y >= 2021 else
            "Căn cứ Nghị quyết số 30c/NQ-CP ngày 08 tháng 11 năm 2011 của Chính phủ ban hành Chương trình "
            "tổng thể cải cách hành chính nhà nước giai đoạn 2011 - 2020;",
            f"Căn cứ Quyết định số {r.randint(100, 2999)}/QĐ-UBND ngày "
            f"{cx.dmy(date(Y, r.randint(1, 6), 12))} của UBND tỉnh ban hành Bộ Chỉ số cải cách hành chính "
            "của các sở, ban, ngành tỉnh; UBND các huyện, thị xã, thành phố;",
            f"Theo đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số {r.randint(10, 400)}/TTr-SNV.",
        ):
            doc.p(line, italic=True)
        doc.center("QUYẾT ĐỊNH:", after=6)
        top = max(self.ag, key=lambda x: x[1])
        low = min(self.ag, key=lambda x: x[1])
        doc.p(("Điều 1. ", "b"), f"Phê duyệt và công bố Chỉ số cải cách hành chính (Chỉ số CCHC) năm {Y} "
              "của các sở, ban, ngành tỉnh; UBND các huyện, thị xã, thành phố (chi tiết tại các Phụ lục "
              "kèm theo).")
        doc.p(f"Chỉ số CCHC của cơ quan cao nhất là {top[0]} ({n.pct(top[1])}), thấp nhất là {low[0]} "
              f"({n.pct(low[1])}).")
        maxima = [m for _, m, _ in self.scores]
        appr = [sum(c[3] for c in crits) for _, _, crits in self.scores]
        doc.p(("Điều 2. ", "b"), f"Công bố kết quả tự đánh giá và thẩm định Chỉ số CCHC năm {Y} của "
              f"{cx.place}: tổng điểm thẩm định đạt {n.f(sum(appr))}/{short(sum(maxima))} điểm, trong đó:")
        for i, ((label, mx, _), a) in enumerate(zip(self.areas, appr, strict=True), 1):
            end = ";" if i < len(maxima) else "."
            doc.p(f"- Lĩnh vực {i}: {label}: đạt {n.f(a)}/{short(mx)} điểm{end}")
        doc.p(("Điều 3. ", "b"), "Giao Sở Nội vụ chủ trì, phối hợp với các cơ quan, đơn vị liên quan thông "
              f"tin, tuyên truyền kết quả Chỉ số CCHC năm {Y}; các cơ quan, đơn vị, địa phương căn cứ kết "
              "quả được công bố xây dựng kế hoạch khắc phục tồn tại, hạn chế, nâng cao Chỉ số CCHC năm "
              f"{Y + 1}.")
        doc.p(("Điều 4. ", "b"), "Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng UBND tỉnh, "
              "Giám đốc Sở Nội vụ, Thủ trưởng các sở, ban, ngành tỉnh; Chủ tịch UBND các huyện, thị xã, "
              "thành phố và các cơ quan, đơn vị có liên quan chịu trách nhiệm thi hành Quyết định này./.")
        cx.sign(["- Như Điều 4;", "- Bộ Nội vụ (b/c);", "- TT Tỉnh ủy, TT HĐND tỉnh (b/c);",
                 "- CT, các PCT UBND tỉnh;"])

        ref = f"(Kèm theo Quyết định số {number} ngày {cx.dmy(cx.spec.issued)} của UBND {cx.place})"
        cx.annex(f"Kết quả Chỉ số cải cách hành chính năm {Y} của các sở, ban, ngành tỉnh", ref)
        self.entity_table(self.ag, "Tên cơ quan, đơn vị", in_rank_order=r.random() < 0.7)
        cx.annex(f"Kết quả Chỉ số cải cách hành chính năm {Y} của UBND các huyện, thị xã, thành phố", ref)
        self.entity_table(self.di, "Tên đơn vị", in_rank_order=r.random() < 0.4)
        cx.annex(f"Kết quả tự đánh giá, thẩm định Chỉ số cải cách hành chính năm {Y} của {cx.place}", ref)
        self.score_table()
        if cx.spec.target >= 10 and r.random() < 0.5:
            doc.section(landscape=True)
            cx.annex(f"Điểm đạt được theo từng lĩnh vực của các sở, ban, ngành tỉnh năm {Y}", ref)
            self.wide_table(self.ag)
            doc.section(landscape=False)

        def summary() -> None:
            doc.center(f"BÁO CÁO TÓM TẮT KẾT QUẢ CHỈ SỐ CCHC NĂM {Y}", page_break=True, after=6)
            cx.para(ACHIEVED, n=(3, 5))
            doc.h("I. KẾT QUẢ THEO TỪNG LĨNH VỰC")

        report: list[Callable[[], None]] = [summary]
        report += [self.area_section(i) for i in range(len(self.areas))]
        report += [lambda: cx.assessment("II"), lambda: cx.tasks("III", "CHỈ SỐ CCHC")]
        cx.grow(report, cx.spec.target - 0.4)
        cx.pad([self.area_section(i, districts=True) for i in range(len(self.areas))]
               + [lambda: plan_table(cx, f"Kế hoạch khắc phục hạn chế Chỉ số CCHC năm {Y}")],
               cx.spec.target - 0.5)
        return "Quyết định phê duyệt và công bố Chỉ số CCHC năm " + str(Y), "UBND " + cx.place

    def entity_table(self, ents: list[tuple[str, float, int]], name_hdr: str, *, in_rank_order: bool) -> None:
        cx, n = self.cx, self.cx.num
        rows_ = sorted(ents, key=lambda x: x[2]) if in_rank_order else ents
        rows: list[list[str | C]] = [[C(t, bold=True) for t in ("STT", name_hdr, "Điểm đạt được",
                                                                "Chỉ số CCHC (%)", "Xếp hạng")]]
        for i, (name, idx, rank) in enumerate(rows_, 1):
            mx = cx.r.choice([100.0, 98.5, 97.5, 96.0])
            rows.append([str(i), C(name, align="left"), n.f(idx * mx / 100), n.f(idx), str(rank)])
        cx.doc.table((1.2, 7.3, 2.5, 2.7, 2.3), rows)

    def score_table(self) -> None:
        """'STT | Lĩnh vực/Tiêu chí | Điểm chuẩn | Điểm tự đánh giá | Điểm thẩm định' (area rows bold)."""
        cx, n = self.cx, self.cx.num
        hdr = ("STT", "Lĩnh vực/Tiêu chí", "Điểm chuẩn", "Điểm tự đánh giá", "Điểm thẩm định")
        rows: list[list[str | C]] = [[C(t, bold=True) for t in hdr]]
        tot = [0.0, 0.0, 0.0]
        for ai, (label, mx, crits) in enumerate(self.scores):
            sf, ap = sum(c[2] for c in crits), sum(c[3] for c in crits)
            tot = [tot[0] + mx, tot[1] + sf, tot[2] + ap]
            rows.append([C(roman(ai + 1), bold=True), C(label, bold=True, align="left"),
                         C(short(mx), bold=True), C(n.f(sf), bold=True), C(n.f(ap), bold=True)])
            for ci, (cl, cm, cs, ca) in enumerate(crits, 1):
                rows.append([str(ci), C(cl, align="left"), short(cm), short(cs), short(ca)])
        rows.append([C("Tổng điểm", bold=True), LEFT, C(short(tot[0]), bold=True), C(n.f(tot[1]), bold=True),
                     C(n.f(tot[2]), bold=True)])
        cx.doc.table((1.3, 8.3, 2.1, 2.2, 2.1), rows)

    def wide_table(self, ents: list[tuple[str, float, int]]) -> None:
        """Landscape: per-area points of every agency under a two-row header."""
        cx, n = self.cx, self.cx.num
        k = len(self.areas)
        h1: list[str | C] = [C("STT", bold=True), C("Tên cơ quan, đơn vị", bold=True),
                             C("Điểm đạt được theo lĩnh vực", bold=True), *[LEFT] * (k - 1),
                             C("Tổng điểm", bold=True), C("Chỉ số CCHC (%)", bold=True),
                             C("Xếp hạng", bold=True)]
        h2: list[str | C] = [UP, UP, *(C(roman(i + 1), bold=True) for i in range(k)), UP, UP, UP]
        rows = [h1, h2]
        for i, (name, idx, rank) in enumerate(sorted(ents, key=lambda x: x[2]), 1):
            pts = [m * idx / 100 * cx.r.uniform(0.95, 1.05) for _, m, _ in self.areas]
            rows.append([str(i), C(name, align="left"), *(n.f(p) for p in pts), n.f(sum(pts)), n.f(idx),
                         str(rank)])
        cx.doc.table((1.2, 5.6, *[12.8 / k] * k, 1.9, 2.4, 1.8), rows, header_rows=2)

    def area_section(self, ai: int, districts: bool = False) -> Callable[[], None]:
        """'Lĩnh vực N': average result, prose and a per-unit table for that area."""
        def run() -> None:
            cx, n, r, doc = self.cx, self.cx.num, self.cx.r, self.cx.doc
            label, mx, crits = self.areas[ai]
            units = self.di if districts else self.ag
            who = "UBND các huyện, thị xã, thành phố" if districts else "các sở, ban, ngành"
            avg = mx * r.uniform(0.65, 0.95)
            doc.h(f"{ai + 1}. Lĩnh vực {roman(ai + 1)}: {label}" + (f" ({who})" if districts else ""))
            doc.p(f"Điểm trung bình của {who} đạt {n.f(avg)}/{short(mx)} điểm, đạt {n.pct(avg / mx * 100)}. "
                  f"Tiêu chí có kết quả thấp nhất là “{r.choice(crits)}”. " + cx.prose.templated())
            hdr = ("STT", "Tên cơ quan, đơn vị", "Điểm tối đa", "Điểm đạt được", "Tỷ lệ (%)")
            rows: list[list[str | C]] = [[C(t, bold=True) for t in hdr]]
            for i, (name, _, _) in enumerate(units, 1):
                got = mx * r.uniform(0.55, 1.0)
                rows.append([str(i), C(name, align="left"), short(mx), n.f(got), n.f(got / mx * 100)])
            doc.table((1.2, 8.0, 2.2, 2.4, 2.2), rows)
            cx.para(LIMITS, TASKS, n=(1, 3))
        return run


# --------------------------------------------------------------------------------------
# PAPI analysis report (figures in prose)
# --------------------------------------------------------------------------------------

PAPI_DIMS = [  # (name, what it measures, range of the dimension score, sub-dimensions 2018+, 2017)
    ("Tham gia của người dân ở cấp cơ sở", "tri thức của công dân về quyền tham gia và hiệu "
     "quả của chính quyền các cấp trong việc tạo điều kiện để người dân thực hiện quyền tham "
     "gia", (4.2, 5.9),
     ["Tri thức công dân", "Cơ hội tham gia", "Chất lượng bầu cử", "Đóng góp tự nguyện"], None),
    ("Công khai, minh bạch trong việc ra quyết định ở địa phương", "hiệu quả của chính quyền "
     "các cấp trong việc công khai, minh bạch thông tin nhằm đáp ứng quyền được biết của người "
     "dân", (4.4, 6.2),
     ["Tiếp cận thông tin", "Công khai danh sách hộ nghèo", "Công khai ngân sách cấp xã/phường",
      "Công khai quy hoạch, kế hoạch sử dụng đất, bảng giá đất"],
     ["Danh sách hộ nghèo", "Thu, chi ngân sách cấp xã/phường",
      "Quy hoạch/kế hoạch sử dụng đất và khung giá đền bù"]),
    ("Trách nhiệm giải trình với người dân", "hiệu quả của các cuộc tiếp xúc giữa người dân "
     "với chính quyền và mức độ tin tưởng của người dân vào cơ quan tư pháp địa phương", (3.9, 4.7),
     ["Mức độ và hiệu quả trong tiếp xúc với chính quyền",
      "Giải đáp khiếu nại, tố cáo, khúc mắc của người dân",
      "Tiếp cận dịch vụ tư pháp"],
     ["Hiệu quả tương tác với các cấp chính quyền", "Ban Thanh tra nhân dân",
      "Ban Giám sát đầu tư cộng đồng"]),
    ("Kiểm soát tham nhũng trong khu vực công", "cảm nhận và trải nghiệm của người dân về hiệu "
     "quả phòng, chống tham nhũng của chính quyền các cấp", (5.7, 7.9),
     ["Kiểm soát tham nhũng trong chính quyền địa phương", "Kiểm soát tham nhũng trong cung ứng dịch vụ công",
      "Công bằng trong tuyển dụng nhân lực vào khu vực công",
      "Quyết tâm chống tham nhũng của chính quyền địa phương"],
     None),
    ("Thủ tục hành chính công", "chất lượng cung ứng các dịch vụ hành chính công thiết yếu cho người dân",
     (6.6, 7.6), ["Dịch vụ chứng thực, xác nhận", "Thủ tục liên quan đến giấy chứng nhận quyền sử dụng đất",
                  "Dịch vụ hành chính cấp xã/phường"],
     ["Dịch vụ chứng thực, xác nhận", "Thủ tục xin cấp phép xây dựng",
      "Thủ tục liên quan đến giấy chứng nhận quyền sử dụng đất", "Thủ tục hành chính cấp xã/phường"]),
    ("Cung ứng dịch vụ công", "chất lượng y tế công lập, giáo dục tiểu học công lập, cơ sở hạ "
     "tầng căn bản và an ninh, trật tự ở khu dân cư", (6.5, 7.8),
     ["Y tế công lập", "Giáo dục tiểu học công lập", "Cơ sở hạ tầng căn bản",
      "An ninh, trật tự ở khu dân cư"], None),
    ("Quản trị môi trường", "sự nghiêm túc của chính quyền trong bảo vệ môi trường và chất "
     "lượng không khí, nguồn nước nơi người dân cư trú", (2.8, 4.4),
     ["Nghiêm túc trong bảo vệ môi trường", "Chất lượng không khí", "Chất lượng nước"], None),
    ("Quản trị điện tử", "mức độ sẵn có, khả năng sử dụng cổng thông tin điện tử của chính "
     "quyền và điều kiện tiếp cận Internet của người dân", (2.1, 3.9),
     ["Sử dụng Cổng thông tin điện tử của chính quyền địa phương",
      "Tiếp cận và sử dụng internet tại địa phương",
      "Phúc đáp của chính quyền qua cổng thông tin điện tử"], None),
]
PAPI_GROUPS = ["Cao nhất", "Trung bình cao", "Trung bình thấp", "Thấp nhất"]
PAPI_BULLETS = {  # survey details quoted under a sub-dimension ("- Về tiêu chí ...: ...")
    "Tri thức công dân": "Có {pct} người tham gia khảo sát biết đúng nhiệm kỳ của Trưởng thôn/Tổ trưởng tổ "
    "dân phố; {pct2} biết đến khẩu hiệu “Dân biết, dân bàn, dân làm, dân kiểm tra”.",
    "Chất lượng bầu cử": "Có {pct} người tham gia khảo sát cho biết có từ hai ứng cử viên để dân bầu trưởng "
    "thôn/tổ trưởng tổ dân phố; {pct2} cho biết hình thức bầu là bỏ phiếu kín.",
    "Đóng góp tự nguyện": "Có {pct} người được hỏi cho biết đã đóng góp tự nguyện cho công trình công cộng ở "
    "xã/phường; {pct2} cho biết khoản đóng góp được ghi chép vào sổ sách của thôn, xã.",
    "Tiếp cận thông tin": "Có {pct} người được hỏi cho biết đã tìm kiếm thông tin về chính sách, pháp luật "
    "từ chính quyền địa phương; {pct2} cho biết thông tin nhận được là đáng tin cậy.",
    "Công khai danh sách hộ nghèo": "Có {pct} người tham gia khảo sát cho biết danh sách hộ nghèo được công "
    "khai trong 12 tháng qua; {pct2} cho biết có hộ rất nghèo nhưng không được đưa vào danh sách.",
    "Công khai ngân sách cấp xã/phường": "Có {pct} số người được hỏi cho biết ngân sách ở xã, phường, thị "
    "trấn được niêm yết công khai; {pct2} cho biết đã từng được đọc bảng thu chi ngân sách.",
    "Mức độ và hiệu quả trong tiếp xúc với chính quyền": "Có {pct} người đã liên hệ Trưởng thôn/Tổ trưởng tổ "
    "dân phố để giải quyết khúc mắc; {pct2} cho biết cuộc gặp có kết quả tốt.",
    "Công bằng trong tuyển dụng nhân lực vào khu vực công": "Có {pct} người được hỏi cho biết không phải "
    "chạy chọt để được vào làm công chức cấp xã; {pct2} cho biết không cần quen biết để được tuyển dụng.",
    "Y tế công lập": "Có {pct} người được hỏi cho biết có thẻ bảo hiểm y tế; {pct2} đánh giá tốt chất lượng "
    "dịch vụ tại bệnh viện tuyến huyện.",
    "Cơ sở hạ tầng căn bản": "Có {pct} hộ gia đình được sử dụng điện lưới quốc gia; {pct2} cho biết nguồn "
    "nước sinh hoạt chính là nước máy.",
    "Chất lượng không khí": "Có {pct} người được hỏi đánh giá chất lượng không khí nơi cư trú là tốt; "
    "{pct2} cho biết chất lượng không khí kém hơn so với ba năm trước.",
    "Tiếp cận và sử dụng internet tại địa phương": "Có {pct} người được hỏi cho biết có kết nối internet tại "
    "nhà; {pct2} cho biết đã sử dụng Cổng dịch vụ công trực tuyến của tỉnh.",
}
PAPI_BULLET_ANY = ("Có {pct} người tham gia khảo sát đánh giá tích cực về nội dung này, trong khi {pct2} "
                   "cho biết chưa được tiếp cận hoặc chưa hài lòng với kết quả thực hiện tại địa phương.")


class Papi:
    """PAPI report: dimension and sub-dimension values in sentences, few or no tables."""

    def __init__(self, cx: Ctx):
        self.cx = cx
        r, Y = cx.r, cx.Y
        self.dims = []
        for name, what, (lo, hi), subs18, subs17 in PAPI_DIMS[: 6 if Y <= 2017 else 8]:
            subs = subs17 if (Y <= 2017 and subs17) else subs18
            if name == "Quản trị điện tử" and Y < 2020:
                subs = subs[:2]
            v = r.uniform(lo, hi)
            lo, hi = lo - r.uniform(0, 0.3), hi + r.uniform(0, 0.3)  # the all-province range printed
            parts = [r.uniform(0.6, 1.4) for _ in subs]
            sv = [round(v * p / sum(parts), 4) for p in parts]
            prev = [round(max(0.05, s - r.uniform(-0.15, 0.15)), 2) for s in sv]
            self.dims.append((name, what, (lo, hi), round(sum(sv), 4), round(sum(prev), 4),
                              list(zip(subs, sv, prev, strict=True))))
        self.total = round(sum(d[3] for d in self.dims), 4)
        self.prev = round(sum(d[4] for d in self.dims), 4)
        self.sub_nd = r.choice([2, 4])

    def build(self) -> tuple[str, str]:
        cx, doc, r, n, Y, P = self.cx, self.cx.doc, self.cx.r, self.cx.num, self.cx.Y, self.cx.P
        cx.masthead("BC-SNV" if cx.by_snv else "BC-UBND")
        doc.center(r.choice(["BÁO CÁO", "BÁO CÁO CHUYÊN ĐỀ"]), size=14)
        title = ("Phân tích, đánh giá Chỉ số hiệu quả quản trị và hành chính công cấp tỉnh (PAPI) "
                 f"{cx.place} năm {Y}")
        doc.center(title, after=10)
        rank, rank_p = r.randint(1, 63), r.randint(1, 63)
        d = self.total - self.prev
        doc.p(f"Ngày {r.randint(2, 28)} tháng {r.randint(4, 5)} năm {Y + 1}, Trung tâm Nghiên cứu Phát "
              "triển và Hỗ trợ Cộng đồng (CECODES), Chương trình Phát triển Liên Hợp quốc (UNDP) tại Việt "
              f"Nam và các cơ quan phối hợp đã công bố Báo cáo Chỉ số PAPI năm {Y}",
              FN(f"Năm {Y}, PAPI khảo sát ngẫu nhiên {count(r.randint(14000, 19500))} người dân trên cả "
                 f"nước."),
              f", theo đó {cx.place} đạt {n.f(self.total, 4)} điểm xếp thứ {rank}/63 tỉnh, thành phố, "
              f"{tang_giam(d)} {n.f(abs(d))} điểm so với năm {P} (đạt {n.f(self.prev)} điểm; {rank_p}/63). "
              f"Ủy ban nhân dân tỉnh phân tích, đánh giá kết quả Chỉ số PAPI năm {Y} như sau:")
        def overview() -> None:
            doc.h("I. TỔNG QUAN VỀ CHỈ SỐ PAPI")
            cx.heading("1. Khái quát về Chỉ số PAPI")
            doc.p("Chỉ số PAPI đánh giá hiệu quả điều hành, quản lý nhà nước, cung ứng dịch vụ công dựa trên "
                  "trải nghiệm của người dân; mỗi nội dung có thang điểm từ 1 đến 10, tổng điểm tối đa là "
                  f"{len(self.dims) * 10} điểm.")
            cx.heading(f"2. Kết quả tổng quan năm {Y}")
            self.summary()

        def dissemination() -> None:
            doc.h("II. CÔNG TÁC PHỔ BIẾN, QUÁN TRIỆT CHỈ SỐ PAPI")
            cx.para(ACHIEVED, n=(3, 5))
            cx.para(ACHIEVED, CAUSES)

        def shortcomings() -> None:
            doc.h("IV. MỘT SỐ TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN")
            cx.para(LIMITS, n=(3, 5))
            cx.para(CAUSES, n=(2, 4))

        def agency_tasks() -> None:
            doc.h("V. NHIỆM VỤ TRỌNG TÂM CỦA CÁC CƠ QUAN, ĐƠN VỊ")
            cx.duties(r.sample(list(DUTIES), k=r.randint(6, 11)))

        body: list[Callable[[], None]] = [
            overview, dissemination,
            lambda: doc.h(f"III. KẾT QUẢ CHỈ SỐ PAPI NĂM {Y} THEO TỪNG NỘI DUNG"),
            *(self.dimension(i) for i in range(len(self.dims))),
            shortcomings, agency_tasks,
            lambda: doc.h("VI. GIẢI PHÁP CẢI THIỆN, NÂNG CAO CHỈ SỐ PAPI"),
            *(self.solutions(i) for i in range(len(self.dims))),
        ]
        cx.grow(body, cx.spec.target - 0.5)
        doc.p(f"Trên đây là báo cáo phân tích, đánh giá Chỉ số PAPI năm {Y} của {cx.place}./.")
        cx.sign(["- Văn phòng Chính phủ (b/c);", "- TT Tỉnh ủy, TT HĐND tỉnh (b/c);",
                 "- CT, các PCT UBND tỉnh;", "- Các sở, ban, ngành tỉnh;", "- UBND các huyện, thành phố;"])
        cx.pad([self.annex_series, self.annex_detail,
                lambda: plan_table(cx, f"Kế hoạch cải thiện Chỉ số PAPI năm {Y + 1}")],
               cx.spec.target - 0.5)
        return title, "Sở Nội vụ " + cx.place if cx.by_snv else "UBND " + cx.place

    def summary(self) -> None:
        cx, n, r = self.cx, self.cx.num, self.cx.r
        if r.random() < 0.4:
            cx.para(ACHIEVED, LIMITS)
            return
        hdr = ("STT", "Nội dung", f"Năm {cx.Y}", f"Năm {cx.P}", "Tăng/giảm")
        rows: list[list[str | C]] = [[C(t, bold=True) for t in hdr]]
        for i, (name, _, _, v, p, _) in enumerate(self.dims, 1):
            rows.append([str(i), C(name, align="left"), n.f(v, 4), n.f(p), n.change(v - p, 2, "")])
        rows.append([C("Tổng điểm", bold=True), LEFT, C(n.f(self.total, 4), bold=True),
                     C(n.f(self.prev), bold=True),
                     C(n.change(self.total - self.prev, 2, ""), bold=True)])
        cx.doc.table((1.2, 8.4, 2.2, 2.0, 2.2), rows)

    def dimension(self, i: int) -> Callable[[], None]:
        def run() -> None:
            cx, n, r, Y, P = self.cx, self.cx.num, self.cx.r, self.cx.Y, self.cx.P
            name, what, (lo, hi), v, p, subs = self.dims[i]
            cx.heading(f"{i + 1}. {name}")
            clauses = []
            for label, sv, sp in subs:
                chg = f"{tang_giam(sv - sp)} {n.f(abs(sv - sp), self.sub_nd)}"
                if r.random() < 0.7:
                    clauses.append(f"tiêu chí {label} đạt {n.f(sv, self.sub_nd)} điểm {chg} điểm (năm {P} "
                                   f"đạt {n.f(sp)} điểm)")
                else:
                    clauses.append(f"tiêu chí {label} đạt {n.f(sv, self.sub_nd)}/{short(10 / len(subs))} "
                                   f"điểm, {chg} điểm so với năm {P} đạt {n.f(sp)} điểm")
            cx.doc.p(f"Nội dung này đo lường {what}. Kết quả nội dung này của "
                     "các tỉnh, thành phố trên toàn quốc dao động từ "
                     f"{n.f(lo, 4)} – {n.f(hi, 4)} điểm. Kết quả năm {Y} "
                     f"{cx.place} đạt {n.f(v, 4)} điểm, {tang_giam(v - p)} "
                     f"{n.f(abs(v - p))} điểm so với năm {P}, thuộc nhóm "
                     f"{r.choice(PAPI_GROUPS)}. Cụ thể " + "; ".join(clauses) + ".")
            if r.random() < 0.7:
                cx.doc.p("Một số điểm cần lưu ý qua kết quả khảo sát nội dung này như sau:")
                for label, _, _ in r.sample(subs, k=min(len(subs), r.randint(1, 3))):
                    self.bullet(label)
        return run

    def bullet(self, label: str) -> None:
        text = self.cx.prose.fill(PAPI_BULLETS.get(label, PAPI_BULLET_ANY))
        self.cx.doc.p(f"- Về tiêu chí “{label}”: {text}")

    def solutions(self, i: int) -> Callable[[], None]:
        def run() -> None:
            cx = self.cx
            cx.heading(f"{i + 1}. Chỉ số nội dung “{self.dims[i][0]}”")
            for k, t in enumerate(cx.r.sample(TASKS, k=cx.r.randint(2, 4))):
                cx.doc.p(f"{LETTERS[k]}) {cx.prose.fill(t)}")
        return run

    def annex_series(self) -> None:
        cx, n, r = self.cx, self.cx.num, self.cx.r
        years = list(range(max(2011, cx.Y - r.randint(3, 5)), cx.Y + 1))
        cx.annex(f"Kết quả Chỉ số PAPI của {cx.place} giai đoạn {years[0]} - {years[-1]}")

        def series(v: float, p: float, spread: float) -> list[float]:
            """Values for `years`: the report's own figures for the last two, older ones around them."""
            return [v if y == cx.Y else p if y == cx.P else p + r.uniform(-spread, spread) for y in years]

        w = (5.2, *[10.8 / len(years)] * len(years))
        rows: list[list[str | C]] = [[C("Nội dung", bold=True), *(C(f"Năm {y}", bold=True) for y in years)]]
        for name, _, _, v, p, _ in self.dims:
            rows.append([C(name, align="left"), *(n.f(x, 4) for x in series(v, p, 0.4))])
        rows.append([C("Tổng điểm", bold=True),
                     *(C(n.f(x, 4), bold=True) for x in series(self.total, self.prev, 2.0))])
        rows.append([C("Xếp hạng", bold=True), *(f"{r.randint(1, 63)}/63" for _ in years)])
        cx.doc.table(w, rows)
        cx.para(ACHIEVED, LIMITS)

    def annex_detail(self) -> None:
        cx = self.cx
        cx.annex("Một số kết quả khảo sát chi tiết")
        for name, _, _, _, _, subs in cx.r.sample(self.dims, k=3):
            cx.heading(name)
            for label, _, _ in subs:
                self.bullet(label)
            cx.para(LIMITS, TASKS)


# --------------------------------------------------------------------------------------
# letter (công văn) with attachments
# --------------------------------------------------------------------------------------

class Letter:
    """A short letter about raising an index, then an information text and a plan table."""

    def __init__(self, cx: Ctx):
        self.cx = cx
        self.index = cx.r.choice(["SIPAS", "PAR INDEX", "PAPI"])

    def build(self) -> tuple[str, str]:
        cx, doc, r, n, Y = self.cx, self.cx.doc, self.cx.r, self.cx.num, self.cx.Y
        names = {"SIPAS": "Chỉ số hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan hành chính "
                          "nhà nước",
                 "PAR INDEX": "Chỉ số cải cách hành chính",
                 "PAPI": "Chỉ số hiệu quả quản trị và hành chính công"}
        subject = f"V/v triển khai các giải pháp nâng cao {names[self.index]} năm {Y}"
        number = cx.masthead("UBND-NV", subject)
        doc.p("Kính gửi:", align="left", indent=3.0, bold=True, after=0)
        merged = cx.spec.issued >= date(2025, 7, 1)
        for line in ("- Các sở, ban, ngành tỉnh;",
                     "- Ủy ban nhân dân các xã, phường." if merged
                     else "- UBND các huyện, thị xã, thành phố."):
            doc.p(line, align="left", indent=4.5, after=0)
        doc.blank()
        doc.p(f"Thực hiện Kế hoạch số {r.randint(100, 3000)}/KH-UBND ngày "
              f"{cx.dmy(date(Y, r.randint(1, 3), r.randint(1, 28)))} của UBND tỉnh về cải thiện, nâng cao "
              f"{names[self.index]} năm {Y};")
        v, rank = (r.uniform(78, 92), r.randint(1, 34 if merged else 63))
        unit = "%" if self.index != "PAPI" else " điểm"
        doc.p(f"Theo kết quả công bố năm {Y - 1}, {cx.place} đạt {n.f(v)}{unit}, xếp thứ "
              f"{rank}/{34 if merged else 63} tỉnh, thành phố. Để tiếp tục cải thiện kết quả, Ủy ban nhân "
              "dân tỉnh yêu cầu các cơ quan, đơn vị, địa phương triển khai thực hiện một số nội dung sau:")
        for i, t in enumerate(r.sample(TASKS, k=r.randint(4, 7)), 1):
            doc.p(f"{i}. {cx.prose.fill(t)}")
        doc.p("Ủy ban nhân dân tỉnh yêu cầu các cơ quan, đơn vị nghiêm túc triển khai thực hiện (có tài "
              "liệu tuyên truyền và kế hoạch triển khai kèm theo)./.")
        cx.sign(["- Như trên;", "- CT, các PCT UBND tỉnh;"])
        ref = f"(Kèm theo Công văn số {number} ngày {cx.dmy(cx.spec.issued)} của UBND {cx.place})"

        def leaflet() -> None:
            doc.center("TÀI LIỆU TUYÊN TRUYỀN", page_break=True)
            doc.center(f"Về {names[self.index]}")
            doc.center(ref, bold=False, italic=True, after=8)
            heads = ("Mục đích", "Đối tượng, phạm vi", "Nội dung", "Quyền và trách nhiệm của người dân",
                     "Tổ chức thực hiện")
            for i, head in enumerate(heads, 1):
                doc.p((f"{i}. {head}", "b"), keep=True)
                cx.para(TASKS, ACHIEVED, n=(2, 4))

        def history() -> None:
            doc.h(f"Kết quả {self.index} của {cx.place} qua các năm")
            hdr = ("Năm", "Kết quả", "Xếp hạng", "Tăng/giảm")
            rows: list[list[str | C]] = [[C(t, bold=True) for t in hdr]]
            vals = [v]  # newest first; the first one is the value quoted in the letter
            for _ in range(r.randint(4, 7)):
                vals.append(vals[-1] - r.uniform(-1.5, 2.5))
            for k, cur in enumerate(vals):
                chg = n.change(cur - vals[k + 1], 2, "") if k + 1 < len(vals) else ""
                rows.append([str(Y - 1 - k), n.f(cur) + unit, f"{r.randint(1, 63)}/63", chg])
            doc.table((3.0, 4.5, 4.0, 4.5), rows)

        def more_duties() -> None:
            cx.annex("Nhiệm vụ cụ thể của các cơ quan, đơn vị", ref)
            cx.duties(r.sample(list(DUTIES), k=r.randint(3, 6)))

        cx.grow([leaflet, history], cx.spec.target - 1.5)
        cx.pad([lambda: plan_table(cx, f"Kế hoạch triển khai nâng cao {self.index} năm {Y}"),
                more_duties], cx.spec.target - 0.5)
        return subject, "UBND " + cx.place


BUILDERS: dict[str, Callable[[Ctx], Sipas | Par | Papi | Letter]] = {
    "SIPAS": Sipas, "PAR": Par, "PAPI": Papi, "CV": Letter}


def build_one(spec: Spec, out: Path) -> dict:
    """Write one DOCX; returns its manifest entry (pages filled in after conversion)."""
    cx = Ctx(spec)
    title, author = BUILDERS[spec.kind](cx).build()
    path = out / f"{spec.stem}.docx"
    when = datetime(spec.issued.year, spec.issued.month, spec.issued.day, 8, 0, 0)
    cx.doc.save(path, title=title, author=author, when=when)
    return {"file": path.name, "kind": spec.kind, "format": spec.fmt, "province": spec.province.name,
            "year": spec.year, "issued": spec.issued.isoformat(), "target_pages": spec.target,
            "est_pages": round(cx.doc.est_pages, 1), "pages": None}


# --------------------------------------------------------------------------------------
# planning
# --------------------------------------------------------------------------------------

def plan(n_docs: int, seed: int) -> list[Spec]:
    """Kinds, formats, page targets, years and provinces for the whole corpus, from the seed."""
    rng = random.Random(seed)
    provinces = load_provinces()
    kinds = rng.choices(list(KINDS), weights=list(KINDS.values()), k=n_docs)
    fmts = ["pdf"] * (n_docs // 2) + ["docx"] * (n_docs - n_docs // 2)
    rng.shuffle(fmts)
    specs = []
    for i, (kind, fmt) in enumerate(zip(kinds, fmts, strict=True)):
        # page targets: log-normal around 15, kept inside 6..36 to leave room for estimate error
        target = int(min(36, max(6, round(math.exp(rng.gauss(math.log(15), 0.5))))))
        if kind == "CV":
            target = min(target, rng.randint(6, 12))
        year = rng.randint(*YEARS[kind])
        if kind == "CV":
            issued = date(year, rng.randint(1, 12), rng.randint(1, 28))
        else:
            issued = date(year + 1, rng.randint(2, 8), rng.randint(1, 28))
        prov = rng.choice([p for p in provinces if p.valid_on(issued)])
        specs.append(Spec(i, kind, fmt, target, year, issued, prov, seed))
    return specs


# --------------------------------------------------------------------------------------
# PDF conversion (LibreOffice), page counts
# --------------------------------------------------------------------------------------

def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def normalize_pdf(data: bytes, key: bytes) -> bytes:
    """Fixed CreationDate/ModDate and ID (same-length substitutions keep xref offsets valid)."""
    data = re.sub(rb"(/(?:CreationDate|ModDate)\s*\(D:)(\d{14})", lambda m: m.group(1) + b"20240101000000",
                  data)
    digest = hashlib.md5(key).hexdigest().upper().encode()

    def _id(m: re.Match) -> bytes:
        return (m.group(1) + b"<" + digest[: len(m.group(2))] + b"> <" + digest[: len(m.group(3))] + b">"
                + m.group(4))

    data = re.sub(rb"(/ID\s*\[\s*)<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>(\s*\])", _id, data)
    return re.sub(rb"(/DocChecksum\s*/)([0-9A-Fa-f]{32})", lambda m: m.group(1) + digest, data)


def convert_batch(soffice: str, docxs: list[Path], out: Path, profile: Path) -> list[Path]:
    """ONE soffice run for the whole batch (start-up costs seconds); returns DOCX files that
    did not convert.  Converted DOCX twins are deleted."""
    with tempfile.TemporaryDirectory(prefix="chiso-pdf-") as tmp:
        cmd = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
               "--convert-to", "pdf:writer_pdf_Export", "--outdir", tmp, *map(str, docxs)]
        env = dict(os.environ, TZ="UTC")
        with contextlib.suppress(subprocess.TimeoutExpired):  # whatever was written is kept
            subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           timeout=120 + 60 * len(docxs), check=False)
        missing = []
        for docx in docxs:
            pdf = Path(tmp) / f"{docx.stem}.pdf"
            if not pdf.exists() or pdf.stat().st_size == 0:
                missing.append(docx)
                continue
            (out / pdf.name).write_bytes(normalize_pdf(pdf.read_bytes(), docx.read_bytes()))
            docx.unlink()
    return missing


def convert_all(soffice: str, docxs: list[Path], out: Path, jobs: int) -> list[Path]:
    """Batches of ~BATCH files, up to `jobs` soffice processes at once, each with its own
    profile directory (two instances sharing a profile would hand work to each other or block)."""
    batches = [docxs[i:i + BATCH] for i in range(0, len(docxs), BATCH)]
    root = Path(tempfile.mkdtemp(prefix="lo-profile-"))
    slots: queue.Queue[Path] = queue.Queue()
    for k in range(max(1, jobs)):
        slots.put(root / f"lo-profile-{k}")

    def work(batch: list[Path]) -> list[Path]:
        profile = slots.get()
        try:
            missing = convert_batch(soffice, batch, out, profile)
            for docx in list(missing):  # retry stragglers one by one
                if not convert_batch(soffice, [docx], out, profile):
                    missing.remove(docx)
            done = len(batch) - len(missing)
            print(f"  converted {done}/{len(batch)}: {batch[0].stem} .. {batch[-1].stem}", flush=True)
            return missing
        finally:
            slots.put(profile)

    try:
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            return [m for res in pool.map(work, batches) for m in res]
    finally:
        shutil.rmtree(root, ignore_errors=True)


def pdf_pages(path: Path) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


# --------------------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------------------

def _build_task(args: tuple[Spec, Path]) -> dict:
    return build_one(*args)


def clean_previous(out: Path) -> None:
    """Remove the files a previous run listed in its manifest (and nothing else)."""
    manifest = out / "manifest.json"
    if not manifest.exists():
        return
    try:
        old = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    for entry in old.get("files", []):
        name = Path(entry.get("file", "")).name
        for p in (out / name, (out / name).with_suffix(".docx")):
            if name and p.exists():
                p.unlink()


def fmt_time(s: float) -> str:
    return f"{int(s // 60)}m{s % 60:04.1f}s" if s >= 60 else f"{s:.1f}s"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outdir", nargs="?", type=Path, default=DEFAULT_OUT, help="default: benchmarks/corpus/")
    ap.add_argument("--docs", type=int, default=200, help="number of documents (default 200)")
    ap.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    ap.add_argument("--jobs", type=int, default=2, help="parallel builders / soffice processes (default 2)")
    a = ap.parse_args(argv)
    if a.docs < 1 or a.jobs < 1:
        ap.error("--docs and --jobs must be at least 1")
    soffice = soffice_path()
    if not soffice:
        print("error: LibreOffice (soffice) not found; it converts half of the corpus to PDF.\n"
              "       install it with:  apt-get install libreoffice-writer-nogui fonts-liberation",
              file=sys.stderr)
        return 2
    t0 = time.monotonic()
    out: Path = a.outdir
    out.mkdir(parents=True, exist_ok=True)
    clean_previous(out)
    specs = plan(a.docs, a.seed)
    print(f"building {len(specs)} DOCX files into {out} (seed {a.seed}, {a.jobs} jobs) ...", flush=True)
    with ProcessPoolExecutor(max_workers=max(1, a.jobs)) as pool:
        entries = list(pool.map(_build_task, [(s, out) for s in specs], chunksize=4))
    t_build = time.monotonic() - t0
    to_pdf = [out / e["file"] for e in entries if e["format"] == "pdf"]
    print(f"built in {fmt_time(t_build)}; converting {len(to_pdf)} to PDF in batches of {BATCH} ...",
          flush=True)
    failed = {p.name for p in convert_all(soffice, to_pdf, out, a.jobs)}
    t_conv = time.monotonic() - t0 - t_build
    for e in entries:
        if e["format"] != "pdf":
            continue
        if e["file"] in failed:
            e["format"] = "docx"  # conversion failed: keep the DOCX, say so
            e["conversion_failed"] = True
            continue
        e["file"] = e["file"].removesuffix(".docx") + ".pdf"
        e["pages"] = pdf_pages(out / e["file"])
    manifest = {"generator": "benchmarks/make_corpus.py", "seed": a.seed, "docs": a.docs, "files": entries}
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n",
                                       encoding="utf-8")

    pages = sorted(e["pages"] for e in entries if e["pages"] is not None)
    n_docx = sum(e["format"] == "docx" for e in entries)
    kinds = {k: sum(e["kind"] == k for e in entries) for k in KINDS}
    outside = [e["file"] for e in entries
               if e["pages"] is not None and not MIN_PAGES <= e["pages"] <= MAX_PAGES]
    elapsed = time.monotonic() - t0
    print(f"\ncorpus: {out}")
    print(f"  documents : {len(entries)} = {n_docx} DOCX + {len(pages)} PDF   "
          + ", ".join(f"{k} {v}" for k, v in kinds.items()))
    if pages:
        print(f"  PDF pages : total {sum(pages)}; per PDF min {pages[0]} / median "
              f"{statistics.median(pages):g} / max {pages[-1]}")
    est = sorted(e["est_pages"] for e in entries if e["format"] == "docx")
    if est:
        print(f"  DOCX pages: estimated median {statistics.median(est):.0f} "
              f"(min {est[0]:.0f}, max {est[-1]:.0f})")
    if failed:
        print(f"  WARNING: {len(failed)} conversions failed (kept as DOCX): {', '.join(sorted(failed))}")
    if outside:
        print(f"  WARNING: {len(outside)} PDFs outside {MIN_PAGES}-{MAX_PAGES} pages: {', '.join(outside)}")
    print(f"  time      : {fmt_time(elapsed)} (build {fmt_time(t_build)}, convert {fmt_time(t_conv)})")
    return 1 if failed or outside else 0


if __name__ == "__main__":
    sys.exit(main())
