"""Shared test helpers: the project's fixtures and their expected results."""

from __future__ import annotations

import json
import subprocess
from functools import cache
from pathlib import Path

from rapidfuzz import fuzz

from chiso.model import Interpretation, RawObservation
from chiso.normalize.text import match_key
from chiso.pipeline import process_file

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
DOCUMENTS = sorted(p.name for p in FIXTURES.iterdir() if p.suffix in (".pdf", ".docx"))
# Held-out families written before the readers were taught them: what chiso still misreads in each,
# in words (the end-to-end test is a strict xfail for these, so a reading that starts to pass is seen).
MISREAD = {
}


def misread(name: str) -> str | None:
    return MISREAD.get(name) or MISREAD.get(name.rsplit(".", 1)[0])  # one format ('x.pdf') or both ('x')


# The same for the document fields (test_document_fields): what chiso still misreads there, in words.
MISREAD_FIELDS = {
}


def misread_fields(name: str) -> str | None:
    return MISREAD_FIELDS.get(name.rsplit(".", 1)[0])


def expected(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.expected.json").read_text(encoding="utf-8"))


@cache
def interpreted(name: str) -> Interpretation:
    """Read, interpret, match and check a fixture, as ingest does before loading."""
    result = process_file(FIXTURES / name)
    assert result.ok, result.error
    return result.interpretation


def exported(interp: Interpretation) -> list[RawObservation]:
    return [o for o in interp.observations if o.measure == "value"]


def find(obs: list[RawObservation], year: int, value: float, entity: str | None = None,
         label: str | None = None) -> list[RawObservation]:
    out = [o for o in obs if o.year == year and abs(o.value - value) < 0.0051
           and (entity is None or match_key(o.entity) == match_key(entity))]
    if label is not None:
        out = [o for o in out if fuzz.token_set_ratio(match_key(o.label), match_key(label)) >= 60]
        # the nearest figure first, then the closest wording (16,049 and 16,05 are two criteria's values)
        out.sort(key=lambda o: (round(abs(o.value - value), 6), -fuzz.ratio(match_key(o.label), match_key(label))))
    return out


def cli(*args: str) -> subprocess.CompletedProcess:
    """The `chiso` command run in-process (typer's CliRunner), with a subprocess-like result: tests run
    commands in their own process unless the test is about processes (kill, concurrency)."""
    from typer.testing import CliRunner

    from chiso.cli import app

    result = CliRunner().invoke(app, [str(a) for a in args])
    return subprocess.CompletedProcess(["chiso", *map(str, args)], result.exit_code, result.stdout,
                                       result.stderr if result.stderr_bytes is not None else "")
