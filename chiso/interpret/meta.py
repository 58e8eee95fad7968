"""Document-level facts: issuer, province, kind, number, date, draft, title, report year.

Vietnamese administrative documents follow a fixed header (Decree 30/2020/NĐ-CP):
issuing body top-left, national motto top-right, `Số: 123/BC-UBND`, place and date,
then the kind (BÁO CÁO, QUYẾT ĐỊNH, KẾ HOẠCH) and the title, or `V/v …` for letters.
We read those fields from the first blocks of the document.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from chiso.db.indices import detect_indices
from chiso.db.reference import province_name_pattern, resolve_province
from chiso.model import DocumentMeta, ExtractedDocument, Table, TextBlock
from chiso.normalize.text import clean_text

MOTTO = re.compile(r"CỘNG\s+HÒA\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM|Độc\s+lập\s*[-–]\s*Tự\s+do\s*[-–]\s*Hạnh\s+phúc",
                   re.IGNORECASE)
DOC_KINDS = {"BC": "BC", "QĐ": "QD", "QD": "QD", "KH": "KH", "CV": "CV", "TB": "TB", "TTR": "TTr", "CT": "CT"}
_ISSUER = re.compile(
    r"(?:ỦY|UỶ)\s+BAN\s+NHÂN\s+DÂN|UBND|SỞ\s+NỘI\s+VỤ|BỘ\s+NỘI\s+VỤ", re.IGNORECASE)
_LEVEL = re.compile(r"^\s*(TỈNH|THÀNH\s+PHỐ|HUYỆN|THỊ\s+XÃ|QUẬN|XÃ|PHƯỜNG)\s+(.+)$", re.IGNORECASE)
_NUMBER = re.compile(r"Số\s*:?\s*([0-9]*\s*/\s*[0-9]{0,4}\s*/?\s*[A-ZĐa-zđ]+(?:\s*-\s*[A-ZĐa-zđ]+)*)")
_DATE = re.compile(r"ngày\s*(\d{1,2})?\s*tháng\s*(\d{1,2})?\s*năm\s*(\d{4})", re.IGNORECASE)
_BODY_START = re.compile(r"^\s*(Căn\s+cứ|Thực\s+hiện|Kính\s+gửi|Ngày\s+\d|Tháng\s+\d|Năm\s+\d{4}\s*,|Trên\s+cơ\s+sở|Theo\s)",
                         re.IGNORECASE)
_AUTHORITY_LINE = re.compile(r"^\s*(?:CHỦ\s+TỊCH|GIÁM\s+ĐỐC|BỘ\s+TRƯỞNG|(?:ỦY|UỶ)\s+BAN\s+NHÂN\s+DÂN)\b[A-ZĐÀ-Ỹ\s,]*$")
_KIND_WORD = re.compile(r"^\s*(BÁO\s+CÁO|QUYẾT\s+ĐỊNH|KẾ\s+HOẠCH|CÔNG\s+VĂN|THÔNG\s+BÁO|TỜ\s+TRÌNH|CHỈ\s+THỊ)\b")
_KIND_CODE = {"BÁO CÁO": "BC", "QUYẾT ĐỊNH": "QD", "KẾ HOẠCH": "KH", "CÔNG VĂN": "CV", "THÔNG BÁO": "TB",
              "TỜ TRÌNH": "TTr", "CHỈ THỊ": "CT"}


_DEPARTMENT = re.compile(r"^(?:SỞ|BAN|VĂN\s+PHÒNG|THANH\s+TRA|PHÒNG)\s+[A-ZĐÀ-Ỹ ,&\-]{2,80}$")


@lru_cache(maxsize=1)
def _agency_spellings() -> dict[str, str]:
    """The catalogue's agency names by key (the first of a key, as listed), read once, not per document."""
    from chiso.db.reference import read_csv
    from chiso.normalize.text import match_key

    spellings: dict[str, str] = {}
    for row in read_csv("places/agencies.csv"):
        spellings.setdefault(match_key(row["name"]), row["name"])
    return spellings


def _agency_name(upper: str) -> str:
    """'SỞ NỘI VỤ' → 'Sở Nội vụ' (the catalogue's spelling when it knows the agency)."""
    from chiso.normalize.text import match_key

    known = _agency_spellings().get(match_key(upper))
    if known is not None:
        return known
    words = upper.lower().split()
    return " ".join([words[0].capitalize(), *(w.capitalize() if i == 0 else w for i, w in enumerate(words[1:]))])


def _proper(name: str) -> str:
    """'LAI CHÂU' → 'Lai Châu' using the province list when it knows the name."""
    name = clean_text(name).strip(" ,.;:")
    prov = resolve_province(name)
    if prov is not None:
        return prov.name
    return " ".join(w[:1].upper() + w[1:].lower() for w in name.split())


def _header_parts(doc: ExtractedDocument) -> tuple[str, list[str]]:
    """The header text (issuer, number, date, motto) and the title lines after it."""
    header_lines: list[str] = []
    title_lines: list[str] = []
    seen_text = 0
    for block in doc.blocks[:40]:
        if isinstance(block, Table):
            if seen_text <= 3 and block.n_rows <= 3:
                cells = []
                for r in range(block.n_rows):
                    for c in range(block.n_cols):
                        if block.is_origin(r, c):
                            cells.append(block.text(r, c))
                header_lines.extend(cells)
                continue
            break
        if not isinstance(block, TextBlock) or block.kind != "paragraph":
            continue
        seen_text += 1
        text = block.text
        if _BODY_START.match(text) or len(text) > 320 or title_lines and _AUTHORITY_LINE.match(text):
            break  # a decision's "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH" line opens its body, after the title
        if seen_text <= 4 and not title_lines and (
                MOTTO.search(text) or _ISSUER.match(text) or re.match(r"\s*Số\s*:", text)
                or re.match(r"^[A-ZĐÀ-Ỹ\s]+$", text) and not _KIND_WORD.match(text)):
            header_lines.append(text)
        else:
            title_lines.append(text)
    return "\n".join(header_lines), title_lines


def read_meta(doc: ExtractedDocument) -> DocumentMeta:
    header, title_lines = _header_parts(doc)
    meta = DocumentMeta()
    cleaned = MOTTO.sub("\n", header)
    level_kind, level_name = _read_issuer(cleaned, meta)
    day = _read_date(header, title_lines, meta)
    _read_place(doc, level_kind, level_name, day, meta)
    _read_number_and_kind(header, meta)
    _read_title(doc, header, cleaned, title_lines, meta)
    _read_report_year(day, meta)
    return meta


def _read_issuer(cleaned: str, meta: DocumentMeta) -> tuple[str | None, str | None]:
    """The issuer from the masthead, and its level (tỉnh, huyện …) and place name."""
    m = _ISSUER.search(cleaned)
    level_kind = level_name = None
    if not m:
        return None, None
    after = cleaned[m.end():]
    pieces = [x.strip() for x in re.split(r"\n|\s{2,}", after) if x.strip()]
    if pieces and re.fullmatch(r"(TỈNH|THÀNH\s+PHỐ|HUYỆN|THỊ\s+XÃ|QUẬN)", pieces[0], re.I) and len(pieces) > 1:
        pieces = [pieces[0] + " " + pieces[1]] + pieces[2:]
    for line in pieces:
        line = re.split(r"\s+Số\s*:|\bSố\s*:", line)[0].strip()
        lm = _LEVEL.match(line)
        if lm:
            level_kind = re.sub(r"\s+", " ", lm.group(1)).lower()
            level_name = _proper(re.split(r"\s{2,}|,", lm.group(2))[0])
        break
    # "UBND TỈNH X" over "SỞ NỘI VỤ": the department under the province issues the document
    below = pieces[1] if len(pieces) > 1 else ""
    dept = _DEPARTMENT.match(re.split(r"\s+Số\s*:|\bSố\s*:", below)[0].strip())
    body = m.group(0).upper()
    if level_kind and dept and ("BAN" in body or "UBND" in body):
        meta.issuer = f"{_agency_name(dept.group(0))} {level_kind} {level_name}"
    elif level_kind and ("BAN" in body or "UBND" in body):
        meta.issuer = f"UBND {level_kind} {level_name}"
    elif "SỞ" in body:
        meta.issuer = f"Sở Nội vụ {level_kind} {level_name}" if level_kind else "Sở Nội vụ"
    elif "BỘ" in body:
        meta.issuer = "Bộ Nội vụ"
    return level_kind, level_name


def _read_date(header: str, title_lines: list[str], meta: DocumentMeta) -> date | None:
    """The issue date, ISO with its precision (2024, 2024-03, 2024-03-20); the day it stands for."""
    dm = _DATE.search(header) or _DATE.search("\n".join(title_lines[:3]))
    if not dm:
        return None
    y, mo, d = int(dm.group(3)), dm.group(2), dm.group(1)
    meta.date = f"{y:04d}" + (f"-{int(mo):02d}" if mo else "") + (f"-{int(d):02d}" if mo and d else "")
    return date(y, int(mo) if mo else 1, int(d) if (mo and d) else 1)


def _read_place(doc: ExtractedDocument, level_kind: str | None, level_name: str | None, day: date | None,
                meta: DocumentMeta) -> None:
    """The province, and the entity the document's own figures describe (a district's report: the district)."""
    if level_kind == "tỉnh" and level_name:
        meta.province = meta.subject = level_name
    elif level_kind == "thành phố" and level_name and (p := resolve_province(level_name, day)) and p.kind == "thành phố":
        meta.province = meta.subject = p.name
    else:
        all_text = "\n".join(b.text for b in doc.blocks[:400] if isinstance(b, TextBlock))
        meta.province = _most_mentioned_province(all_text) or _most_mentioned_province(_table_text(doc))
        if level_kind and level_name:
            meta.subject = f"{level_kind[:1].upper()}{level_kind[1:]} {level_name}"
        else:
            meta.subject = meta.province


def _read_number_and_kind(header: str, meta: DocumentMeta) -> None:
    nm = _NUMBER.search(header)
    if not nm:
        return
    meta.number = re.sub(r"\s+", "", nm.group(1))
    parts = meta.number.split("/")[-1].split("-")
    code = parts[0].upper() if len(parts) > 1 else ""
    meta.doc_type = DOC_KINDS.get(code.replace("Đ", "Đ"))
    if meta.doc_type is None and len(parts) >= 1 and parts[0].upper() in ("UBND", "SNV", "BNV", "VP"):
        meta.doc_type = "CV"  # a letter's number carries no kind: 123/UBND-NV
    if not meta.number[:1].isdigit():
        meta.number = None  # "Số: /BC-UBND": left blank to be filled when signed; the kind code is kept


def _read_title(doc: ExtractedDocument, header: str, cleaned: str, title_lines: list[str],
                meta: DocumentMeta) -> None:
    """The title (a letter's `V/v …` first), the kind it names, and whether the document is a draft."""
    title = " ".join(title_lines)
    km = _KIND_WORD.match(title)
    if km and meta.doc_type is None:
        meta.doc_type = _KIND_CODE.get(re.sub(r"\s+", " ", km.group(1)))
    if meta.doc_type is None and re.search(r"V/v", header + title):
        meta.doc_type = "CV"
    vv = re.search(r"V/v\s*(.+)", cleaned, re.S)
    if vv:
        title = clean_text(vv.group(1).split("\n\n")[0]) + " " + title
    meta.title = clean_text(_KIND_WORD.sub("", title))
    page_headers = "\n".join(b.text for b in doc.blocks if isinstance(b, TextBlock) and b.kind == "header")
    stamps = "\n".join(b.text for b in doc.texts[:15] if b.text.strip().upper() in ("DỰ THẢO", "(DỰ THẢO)"))
    meta.draft = bool(re.search(r"DỰ\s*THẢO", "\n".join([header, *title_lines[:2], page_headers, stamps])))


def _read_report_year(day: date | None, meta: DocumentMeta) -> None:
    """The index the title names and the year it reports on: the title's year (not after the issue
    date), else the issue date's year (flagged on values as year_guessed)."""
    idx = detect_indices(meta.title)
    meta.primary_index = idx[0] if idx else None
    years = [int(y) for y in re.findall(r"(?<!\d)(20[0-4]\d|199\d)(?!\d)", meta.title)]
    years = [y for y in years if day is None or y <= day.year]
    if years:
        meta.report_year, meta.year_source = years[0], "title"
    elif day is not None:
        meta.report_year, meta.year_source = day.year, "date"


def _table_text(doc: ExtractedDocument) -> str:
    """The cells of the document's tables: a district's decision may name its province only among the
    recipients under the signature ('- UBND tỉnh Nghệ An (b/c);'), which a DOCX holds in a table."""
    return "\n".join(t.text(r, c) for t in doc.blocks if isinstance(t, Table)
                     for r in range(t.n_rows) for c in range(t.n_cols) if t.is_origin(r, c))


def _most_mentioned_province(text: str) -> str | None:
    pat = province_name_pattern()
    counts: dict[str, int] = {}
    for m in re.finditer(r"tỉnh\s+([A-ZĐÀ-Ỹ][\wÀ-ỹ]*(?:\s+[A-ZĐÀ-Ỹ][\wÀ-ỹ]*){0,3})", text):
        cand = m.group(1)
        if pat is not None:
            pm = pat.match(cand)
            if not pm:
                continue
            cand = pm.group(1)
        prov = resolve_province(cand)
        name = prov.name if prov else cand
        counts[name] = counts.get(name, 0) + 1
    if not counts:
        return None
    return max(counts, key=lambda k: counts[k])

