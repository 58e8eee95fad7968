"""chiso: Vietnamese governance-index publications (SIPAS, PAR INDEX, PAPI, PCI) → one warehouse.

The library API (see chiso/api.py): `interpret(path)`, `ingest(paths, db=…)`, `Warehouse(url)`,
`export(warehouse, outdir)`. Loaded on first use, so that `import chiso` stays cheap.
"""

from __future__ import annotations

import sys
import types
from typing import Any

__all__ = ["ChisoError", "Exported", "FileReport", "IngestReport", "Interpretation", "Warehouse", "export",
           "ingest", "interpret"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from chiso import api

        return getattr(api, name)
    raise AttributeError(f"module 'chiso' has no attribute {name!r}")


class _Package(types.ModuleType):
    """`chiso.interpret` stays the API function: the import system binds a subpackage on its parent
    when it is first imported (`chiso.interpret`, the stage, is imported as soon as a document is
    read), which would hide the function of the same name. The stage is reached by import
    (`from chiso.interpret.document import …`), never as an attribute of `chiso`. (A module's
    class may be replaced to customise its attributes: Python reference, "Customizing module
    attribute access".)"""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in __all__ and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
