"""Files that open but are damaged: the damage is named, every value is flagged, and never wins the best value.

Damaged copies are made here from the project's fixtures, the way real damage happens: a byte
deleted inside a content stream (a PDF a few bytes away from a good one that reads `2,49` where the
document prints `92,49`), a byte changed inside a compressed stream, bytes inserted before the body,
a ZIP member whose CRC no longer matches, a footnotes part that is not well-formed XML.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import shutil
import zipfile
import zlib
from pathlib import Path

import pytest
from helpers import FIXTURES, ROOT
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject
from typer.testing import CliRunner

from chiso.cli import app
from chiso.extract.integrity import source_damage
from chiso.extract.reader import read_document
from chiso.pipeline import process_file

QUANGTRI = "quangtri-par-2022"
SOUND = sorted([*FIXTURES.glob("*.pdf"), *FIXTURES.glob("*.docx"), *(FIXTURES / "legacy").glob("*.pdf"),
                *(FIXTURES / "legacy").glob("*.docx"), *(ROOT / "tests" / "scans").glob("*.pdf")])


def _uncompressed(src: Path) -> bytes:
    """The fixture rewritten by pypdf with every page's content stream stored uncompressed (a sound PDF)."""
    writer = PdfWriter(clone_from=src)
    for page in writer.pages:
        stream = DecodedStreamObject()
        stream.set_data(page.get_contents().get_data())
        page.replace_contents(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _codes(font) -> dict[str, str]:  # noqa: ANN001
    """Character → its glyph code in hex, from the font's ToUnicode CMap."""
    cmap = font["/ToUnicode"].get_object().get_data()
    out: dict[str, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, uni in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            out.setdefault(bytes.fromhex(uni.decode()).decode("utf-16-be"), code.decode().upper())
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
        for lo, hi, uni in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            for code in range(int(lo, 16), int(hi, 16) + 1):
                out.setdefault(chr(int(uni, 16) + code - int(lo, 16)), f"{code:0{len(lo)}X}")
    return out


def _shown_alone(pdf: bytes, text: str) -> tuple[int, bytes]:
    """(byte offset in the file, glyph codes) of `text` shown by one text operator of its own (a table cell)."""
    reader = PdfReader(io.BytesIO(pdf))
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            codes = _codes(font.get_object())
            if not all(c in codes for c in text):
                continue
            kerned = rb"(?:>-?[\d.]*<)?".join(re.escape(codes[c].encode()) for c in text)  # [<452B30>5<0545>]TJ
            found = list(re.finditer(rb"\[<" + kerned + rb">\]TJ", pdf))
            if len(found) == 1:
                return found[0].start() + 2, "".join(codes[c] for c in text).encode()
    raise AssertionError(f"{text} is not shown alone in the PDF")


def _without_first_digit(pdf: bytes, text: str) -> bytes:
    """Delete the first glyph of `text` (2 hex digits) inside an uncompressed content stream: `/Length` is
    now 2 bytes too long and every later object 2 bytes before where the cross-reference table says."""
    at, _ = _shown_alone(pdf, text)
    return pdf[:at] + pdf[at + 2:]


def _streams(pdf: bytes) -> list[tuple[int, int, bool]]:
    """(data start, endstream, compressed) of each stream."""
    out = []
    for m in re.finditer(rb">>\s*stream\n", pdf):
        head = pdf[pdf.rfind(b"obj", 0, m.start()):m.start()]
        out.append((m.end(), pdf.find(b"endstream", m.end()), b"/FlateDecode" in head))
    return out


def _object_of(pdf: bytes, at: int) -> int:
    return int(re.findall(rb"(\d+) 0 obj", pdf[:at])[-1])


def _all_flagged(result) -> None:  # noqa: ANN001
    interp = result.interpretation
    assert result.ok and interp.observations
    assert all(any(f.code == "damaged_source" for f in o.flags) for o in interp.observations)
    (doc_flag,) = [f for f, _ in interp.flags if f.code == "damaged_source"]
    assert doc_flag.severity == "warning" and "damaged" in doc_flag.message
    assert any(w.startswith("damaged: ") for w in result.warnings)
    return doc_flag.message


@pytest.fixture(scope="module")
def uncompressed(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("damage") / f"{QUANGTRI}-uncompressed.pdf"
    path.write_bytes(_uncompressed(FIXTURES / f"{QUANGTRI}.pdf"))
    return path


@pytest.mark.parametrize("path", SOUND, ids=lambda p: p.name)
def test_sound_fixtures_show_no_damage(path):
    kind = path.suffix.lstrip(".")
    assert source_damage(kind, path.read_bytes()) == []


def test_a_sound_rewrite_with_uncompressed_streams_shows_no_damage_and_reads_the_same(uncompressed):
    data = uncompressed.read_bytes()
    assert any(not flate for _, _, flate in _streams(data))  # the streams checked below are stored as they are
    assert source_damage("pdf", data) == [] and read_document(uncompressed, "0", data).damage == []
    sound, original = process_file(uncompressed), process_file(FIXTURES / f"{QUANGTRI}.pdf")
    assert sorted((o.entity, o.label, o.value) for o in sound.interpretation.observations) == \
        sorted((o.entity, o.label, o.value) for o in original.interpretation.observations)
    assert not any(f.code == "damaged_source" for o in sound.interpretation.observations for f in o.flags)


def test_a_byte_deleted_in_an_uncompressed_stream_reads_a_wrong_number_and_is_flagged(uncompressed, tmp_path):
    data = uncompressed.read_bytes()
    damaged = _without_first_digit(data, "92,49")
    obj = _object_of(damaged, _shown_alone(data, "92,49")[0])
    reasons = source_damage("pdf", damaged)
    assert f"stream of object {obj}: its data is 2 bytes shorter than its /Length: bytes were inserted or " \
           "deleted" in reasons
    assert any("objects are not where it says" in r for r in reasons)  # every later object moved
    path = tmp_path / "damaged.pdf"
    path.write_bytes(damaged)
    result = process_file(path)
    values = {o.value for o in result.interpretation.observations if o.entity == "Ban Dân tộc"}
    assert 2.49 in values and 92.49 not in values  # the forgiving reader reads what is left: a wrong number
    message = _all_flagged(result)
    assert f"stream of object {obj}" in message


def test_a_byte_changed_in_a_compressed_stream_fails_its_checksum(tmp_path):
    data = (FIXTURES / f"{QUANGTRI}.pdf").read_bytes()
    start, end, _ = max((s for s in _streams(data) if s[2]), key=lambda s: s[1] - s[0])
    at = end - 20  # near the end of the page's drawing: the page before it still decodes
    damaged = data[:at] + bytes([data[at] ^ 0x10]) + data[at + 1:]
    assert zlib.decompress(data[start:end - 1])  # the sound stream inflates, with its checksum
    (reason,) = source_damage("pdf", damaged)  # one byte changed, nothing moved: only the stream is damaged
    # an invalid code (zlib's Error -3), a wrong Adler-32, or data that no longer reaches its end marker
    assert re.fullmatch(rf"stream of object {_object_of(data, start)}: compressed data (fails to decode \(Error -3 .*\)"
                        r"|is broken: it does not reach its end marker and checksum \(cut short or changed\))", reason)
    path = tmp_path / "flate.pdf"
    path.write_bytes(damaged)
    _all_flagged(process_file(path))


def test_bytes_inserted_before_the_body_shift_the_cross_reference_table(tmp_path):
    data = (FIXTURES / f"{QUANGTRI}.pdf").read_bytes()
    body = data.index(b"\n", data.index(b"\n") + 1) + 1  # after the header and its binary comment line
    damaged = data[:body] + b"%\n\n" + data[body:]
    reasons = source_damage("pdf", damaged)
    assert reasons[0].startswith("the cross-reference pointer (startxref/Prev) gives byte")
    assert "(a table starts +3 bytes from there)" in reasons[0]
    n_used = len(re.findall(rb"\d{10} \d{5} n", data))
    assert f": {n_used} of {n_used} objects are not where it says" in reasons[1]
    path = tmp_path / "shifted.pdf"
    path.write_bytes(damaged)
    _all_flagged(process_file(path))


def _docx(src: Path, change: dict[str, bytes] | None = None, crc_of: str | None = None, extra: str | None = None
          ) -> bytes:
    """A copy of a DOCX with some parts replaced, one member's CRC-32 wrong, or a member no relationship names."""
    buf = io.BytesIO()
    with zipfile.ZipFile(src) as z, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for name in z.namelist():
            out.writestr(name, (change or {}).get(name, z.read(name)))
        if extra:
            out.writestr(extra, b"<x/>" * 200)
    data = bytearray(buf.getvalue())
    if crc_of:  # the central directory's CRC of that member, which zipfile checks when the member is read
        at = data.find(b"PK\x01\x02")
        while data[at + 46:at + 46 + len(crc_of)] != crc_of.encode():
            at = data.find(b"PK\x01\x02", at + 4)
        data[at + 16:at + 20] = bytes(b ^ 0xFF for b in data[at + 16:at + 20])
    return bytes(data)


def test_a_docx_member_with_a_wrong_crc(tmp_path):
    src = FIXTURES / f"{QUANGTRI}.docx"
    assert source_damage("docx", src.read_bytes()) == []
    # a part chiso reads: python-docx reads every part it names, the CRC fails, the file is refused outright
    broken = _docx(src, crc_of="word/document.xml")
    assert source_damage("docx", broken) == ["ZIP member word/document.xml fails its CRC-32 check (its bytes changed)"]
    (tmp_path / "crc.docx").write_bytes(broken)
    refused = process_file(tmp_path / "crc.docx")
    assert refused.error_code == "damaged" and "CRC" in refused.error
    # a member no relationship names (python-docx never reads it): the file opens, its values are flagged
    orphan = _docx(src, extra="word/media/lost.xml", crc_of="word/media/lost.xml")
    assert source_damage("docx", orphan) == ["ZIP member word/media/lost.xml fails its CRC-32 check (its bytes changed)"]
    (tmp_path / "orphan.docx").write_bytes(orphan)
    _all_flagged(process_file(tmp_path / "orphan.docx"))


def test_a_docx_whose_footnotes_are_not_well_formed_xml(tmp_path):
    src = FIXTURES / "sonla-sipas-2023.docx"
    assert source_damage("docx", src.read_bytes()) == []
    with zipfile.ZipFile(src) as z:
        notes = z.read("word/footnotes.xml")
    damaged = _docx(src, change={"word/footnotes.xml": notes[:len(notes) // 2]})
    (reason,) = source_damage("docx", damaged)
    assert reason.startswith("part word/footnotes.xml is not well-formed XML (")
    (tmp_path / "notes.docx").write_bytes(damaged)
    result = process_file(tmp_path / "notes.docx")
    assert "word/footnotes.xml" in _all_flagged(result)
    notes_read = [b for b in read_document(src, "0").texts if b.kind == "footnote"]
    assert notes_read and not [b for b in read_document(tmp_path / "notes.docx", "0").texts if b.kind == "footnote"]


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_best_value_never_comes_from_the_damaged_copy(uncompressed, tmp_path):
    """The DOCX prints 92,49; a damaged PDF of the same decision reads 2,49. The damaged value loses, though
    by the fixed sha256 order (the last tie-breaker) the damaged copy would have won."""
    docx = tmp_path / f"{QUANGTRI}.docx"
    shutil.copy(FIXTURES / docx.name, docx)
    damaged = _without_first_digit(uncompressed.read_bytes(), "92,49")
    docx_sha = hashlib.sha256(docx.read_bytes()).hexdigest()
    salt = 0  # bytes after %%EOF, which readers ignore: until the damaged copy's sha256 sorts first
    while hashlib.sha256(damaged + b"%" * salt).hexdigest() > docx_sha:
        salt += 1
    pdf = tmp_path / f"{QUANGTRI}-damaged.pdf"
    pdf.write_bytes(damaged + b"%" * salt)
    db = f"sqlite:///{tmp_path / 'w.sqlite'}"
    runner = CliRunner()
    ingest = runner.invoke(app, ["ingest", str(docx), str(pdf), "--db", db, "-j", "1"])
    assert ingest.exit_code == 0, ingest.output
    assert "damaged: " in ingest.output
    assert runner.invoke(app, ["export", str(tmp_path / "out"), "--db", db]).exit_code == 0
    best, obs = _rows(tmp_path / "out" / "best.csv"), _rows(tmp_path / "out" / "observations.csv")
    pdf_sha = hashlib.sha256(pdf.read_bytes()).hexdigest()
    (fact,) = [b for b in best if b["entity"] == "Ban Dân tộc" and b["criterion"] == "par.total"]
    assert (fact["value"], fact["sha256"], fact["n_documents"], fact["agree"]) == ("92.49", docx_sha, "2", "false")
    (wrong,) = [o for o in obs if o["entity"] == "Ban Dân tộc" and o["criterion"] == "par.total"
                and o["sha256"] == pdf_sha]
    assert wrong["value"] == "2.49" and wrong["is_best"] == "false" and "damaged_source" in wrong["flags"]
    assert all("damaged_source" in o["flags"] for o in obs if o["sha256"] == pdf_sha)
    assert not any("damaged_source" in o["flags"] for o in obs if o["sha256"] == docx_sha)
    # where both agree the sound document's value is the best one too
    assert all(b["sha256"] == docx_sha for b in best if b["n_documents"] == "2")
