"""chiso: Vietnamese governance-index publications (SIPAS, PAR INDEX, PAPI, PCI) → one warehouse.

The library API (see chiso/api.py): `interpret(path)`, `ingest(paths, db=…)`, `Warehouse(url)`,
`export(warehouse, outdir)`. Loaded on first use, so that `import chiso` stays cheap.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ChisoError", "Exported", "FileReport", "IngestReport", "Interpretation", "Warehouse", "export",
           "ingest", "interpret"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from chiso import api

        return getattr(api, name)
    raise AttributeError(f"module 'chiso' has no attribute {name!r}")
