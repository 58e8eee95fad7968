"""The committed fixtures are what their generator says: expected files equal the data each
document module defines, and every value printed there is found in the DOCX and PDF text.

No LibreOffice is needed: the documents are rebuilt in memory only (python-docx), and the
committed DOCX/PDF files are read back.  A change to a document module without regenerating
(``python fixtures/make_fixtures.py``) fails here, as does a fixture file edited by hand.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
sys.path.insert(0, str(FIXTURES))

import make_fixtures  # noqa: E402
from realformat import selfcheck  # noqa: E402

BUILT = {ex.stem: (ex, want_pdf) for _doc, ex, _props, want_pdf in make_fixtures.selected(None)}


@pytest.mark.parametrize("stem", sorted(BUILT))
def test_expected_files_are_the_generators_data(stem):
    ex, want_pdf = BUILT[stem]
    files = [f"{stem}.docx"] + ([f"{stem}.pdf"] if want_pdf else [])
    for name in files:
        committed = json.loads((FIXTURES / f"{name}.expected.json").read_text(encoding="utf-8"))
        assert committed == json.loads(json.dumps(ex.payload(name), ensure_ascii=False)), name
    assert ex.obs, "a fixture without observations"


@pytest.mark.parametrize("stem", sorted(BUILT))
def test_printed_values_are_in_the_docx_and_pdf_text(stem, capsys):
    ex, want_pdf = BUILT[stem]
    ok = selfcheck.check(FIXTURES, [(ex, want_pdf)])
    out = capsys.readouterr().out
    assert ok, out
    assert "FAIL" not in out


def test_the_selfcheck_fails_on_a_value_that_was_not_printed(tmp_path, capsys):
    stem = "tuyenquang-par-2024"
    ex, _ = BUILT[stem]
    for suffix in (".docx", ".docx.expected.json"):
        (tmp_path / f"{stem}{suffix}").write_bytes((FIXTURES / f"{stem}{suffix}").read_bytes())
    ex.tokens.append("86,4100/100")
    try:
        assert not selfcheck.check(tmp_path, [(ex, False)])
    finally:
        ex.tokens.pop()
    assert "docx lacks printed value '86,4100/100'" in capsys.readouterr().out
