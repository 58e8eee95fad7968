"""Per-file work that needs no database: sniff, extract, interpret, match, check.

Kept free of the warehouse so that it can run in worker processes while one writer
loads the results; the result is plain data (picklable).
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

from chiso.model import ExtractionError, FileResult

SUPPORTED_SUFFIXES = {".pdf", ".docx", ".doc", ".rtf", ".xlsx", ".xls", ".csv"}




def process_file(path: str | Path, known: set[str] | frozenset[str] = frozenset(),
                 aliases: dict[tuple[str, str, str], str] | None = None) -> FileResult:
    """Read and interpret one file; never raises for a bad file (the reason is in the result).

    The file is read once: its bytes give the sha256 (a file already in the warehouse stops
    here, unparsed) and are then handed to the parser.
    """
    from chiso.checks.consistency import check_document
    from chiso.extract.reader import read_document
    from chiso.interpret.document import interpret
    from chiso.match.matching import assign_criteria

    t0 = time.perf_counter()
    path = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        return FileResult(path, None, error=f"cannot read file: {e.strerror}", error_code="unreadable")
    digest = hashlib.sha256(data).hexdigest()
    if digest in known:
        return FileResult(path, digest, unchanged=True, seconds=time.perf_counter() - t0)
    try:
        doc = read_document(path, digest, data)
        result = interpret(doc)
        if not result.observations and not result.meta.indices:
            return FileResult(path, digest, doc.format, doc.pages, seconds=time.perf_counter() - t0,
                              error=f"no recognisable index content: no SIPAS/PAR INDEX/PAPI/PCI named or figures "
                                    f"found ({len(doc.tables)} tables, {len(doc.texts)} text blocks)",
                              error_code="no_index_content")
        if not result.observations:  # a plan or letter about an index, without figures: the document still counts
            doc.warnings.append(f"no figures found ({', '.join(result.meta.indices)} named)")
        review = assign_criteria(result, aliases)
        check_document(result)
        return FileResult(path, digest, doc.format, doc.pages, interpretation=result,
                          seconds=time.perf_counter() - t0, warnings=doc.warnings, stats=doc.stats,
                          review=[(o.index, o.label, o.group, [(c.code, c.name, round(c.score, 1))
                                                               for c in outcome.candidates])
                                  for o, outcome in review])
    except ExtractionError as e:
        return FileResult(path, digest, error=e.reason, error_code=e.code, seconds=time.perf_counter() - t0)
    except MemoryError:
        return FileResult(path, digest, error="file needs too much memory to read", error_code="too_large",
                          seconds=time.perf_counter() - t0)
    except RecursionError:
        return FileResult(path, digest, error="structure nested too deeply", error_code="too_large",
                          seconds=time.perf_counter() - t0)
    except Exception as e:  # a bug or an unforeseen file shape: report it, keep the batch going
        return FileResult(path, digest, error=f"unexpected error ({type(e).__name__}: {e})",
                          error_code="internal", seconds=time.perf_counter() - t0)
