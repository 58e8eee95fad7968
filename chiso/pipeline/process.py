"""Per-file work that needs no database: sniff, extract, interpret, match, check.

Kept free of the warehouse so that it can run in worker processes while one writer
loads the results; the result is plain data (picklable). The file is read once, after its
size is checked: its bytes give the sha256 (a file already current in the warehouse stops
there, unparsed) and are then handed to the parser.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

from chiso.model import ExtractionError, FileResult, ReviewRequest

SUPPORTED_SUFFIXES = {".pdf", ".docx", ".doc", ".rtf", ".xlsx", ".xls", ".csv"}
MAX_FILE_BYTES = 200_000_000  # no provincial report comes near; a bigger file is refused before it is read


def _read_bounded(path: str) -> tuple[bytes | None, FileResult | None]:
    """The file's bytes, or the result saying why they were not read (too big, unreadable)."""
    try:
        size = os.stat(path).st_size
        if size > MAX_FILE_BYTES:
            return None, FileResult(path, None, error=f"{size / 1e6:.0f} MB (limit {MAX_FILE_BYTES / 1e6:.0f} MB): "
                                                      "not a provincial report", error_code="too_large")
        with open(path, "rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError as e:
        return None, FileResult(path, None, error=f"cannot read file: {e.strerror}", error_code="unreadable")
    if len(data) > MAX_FILE_BYTES:  # grew while read, or a device that reports no size
        return None, FileResult(path, None, error=f"more than {MAX_FILE_BYTES / 1e6:.0f} MB: not a provincial report",
                                error_code="too_large")
    return data, None


def process_file(path: str | Path, known: set[str] | frozenset[str] = frozenset(),
                 aliases: dict[tuple[str, str, str], str] | None = None) -> FileResult:
    """Read and interpret one file; never raises for a bad file (the reason is in the result)."""
    t0 = time.perf_counter()
    path = str(path)
    data, refused = _read_bounded(path)
    if refused is not None:
        return refused
    assert data is not None
    digest = hashlib.sha256(data).hexdigest()
    if digest in known:
        return FileResult(path, digest, unchanged=True, seconds=time.perf_counter() - t0)
    try:
        result = _interpret_bytes(path, digest, data, aliases)
    except ExtractionError as e:
        result = FileResult(path, digest, error=e.reason, error_code=e.code)
    except MemoryError:
        result = FileResult(path, digest, error="file needs too much memory to read", error_code="too_large")
    except RecursionError:
        result = FileResult(path, digest, error="structure nested too deeply", error_code="too_large")
    except Exception as e:  # a bug or an unforeseen file shape: report it, keep the batch going
        result = FileResult(path, digest, error=f"unexpected error ({type(e).__name__}: {e})", error_code="internal")
    result.seconds = time.perf_counter() - t0
    return result


def _interpret_bytes(path: str, digest: str, data: bytes, aliases: dict | None) -> FileResult:
    from chiso.checks.consistency import check_document
    from chiso.checks.damage import flag_damaged_source
    from chiso.extract.reader import read_document
    from chiso.interpret.document import interpret
    from chiso.interpret.merge import merge_same_criterion
    from chiso.match.matching import assign_criteria

    doc = read_document(path, digest, data)
    result = interpret(doc)
    if not result.observations and not result.meta.indices:
        return FileResult(path, digest, doc.format, doc.pages,
                          error=f"no recognisable index content: no SIPAS/PAR INDEX/PAPI/PCI named or figures "
                                f"found ({len(doc.tables)} tables, {len(doc.texts)} text blocks)",
                          error_code="no_index_content")
    if not result.observations:  # a plan or letter about an index, without figures: the document still counts
        doc.warnings.append(f"no figures found ({', '.join(result.meta.indices)} named)")
    review = assign_criteria(result, aliases)
    result.observations = merge_same_criterion(result.observations)
    check_document(result)
    flag_damaged_source(result, doc.damage)  # a file that opened but is damaged (extract/integrity.py)
    return FileResult(path, digest, doc.format, doc.pages, interpretation=result, warnings=doc.warnings,
                      stats=doc.stats,
                      review=[ReviewRequest(o.index, o.label, o.group, tuple((c.code, c.name, round(c.score, 1))
                                                                        for c in outcome.candidates))
                              for o, outcome in review])
