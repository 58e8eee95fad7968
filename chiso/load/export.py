"""CSV export: the contract other tools (pandas, R, BI, the scorer) rely on."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sqlalchemy import text

from chiso.load.warehouse import Warehouse

OBSERVATION_COLUMNS = ["source_file", "page", "index", "year", "province", "entity", "criterion", "label",
                       "value", "unit", "max", "rank", "rank_of", "flags"]
DOCUMENT_COLUMNS = ["source_file", "sha256", "province", "issuer", "doc_type", "number", "date", "indices",
                    "report_year", "draft"]

_OBS_SQL = """
SELECT d.source_file, o.page, o."index", o.year, o.province, o.entity, o.criterion, o.label,
       o.value, o.unit, o.max, o.rank, o.rank_of, o.flags
FROM observation o JOIN document d ON d.id = o.document_id
WHERE d.status = 'current' AND o.measure = 'value'
ORDER BY d.source_file, o.id
"""
_DOC_SQL = """
SELECT source_file, sha256, province, issuer, doc_type, number, date, indices, report_year, draft
FROM document WHERE status = 'current' ORDER BY source_file
"""


def export(warehouse: Warehouse, outdir: str | Path) -> tuple[Path, Path]:
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    with warehouse.engine.connect() as conn:
        obs = pd.read_sql(text(_OBS_SQL), conn)
        docs = pd.read_sql(text(_DOC_SQL), conn)
    for col in ("page", "year", "rank", "rank_of", "report_year"):
        frame = obs if col in obs.columns else docs
        if col in frame.columns:
            frame[col] = frame[col].astype("Int64")
    docs["draft"] = docs["draft"].map(lambda v: "true" if bool(v) else "false")
    obs_path, doc_path = out / "observations.csv", out / "documents.csv"
    obs[OBSERVATION_COLUMNS].to_csv(obs_path, index=False, encoding="utf-8")
    docs[DOCUMENT_COLUMNS].to_csv(doc_path, index=False, encoding="utf-8")
    return obs_path, doc_path
