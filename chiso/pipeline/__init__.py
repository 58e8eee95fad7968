"""The pipeline stage: one file read and interpreted (`process_file`, no database), and a whole
backfill read, loaded and accounted for (`ingest`).

`process_file` is what worker processes run; importing it does not import the warehouse.
"""

from __future__ import annotations

from typing import Any

from chiso.pipeline.process import SUPPORTED_SUFFIXES, process_file

__all__ = ["SUPPORTED_SUFFIXES", "FileReport", "IngestReport", "ingest", "process_file"]


def __getattr__(name: str) -> Any:  # the batch side loads the warehouse: only when asked for
    if name in ("ingest", "IngestReport", "FileReport"):
        from chiso.pipeline import batch as module

        return getattr(module, name)
    raise AttributeError(name)
