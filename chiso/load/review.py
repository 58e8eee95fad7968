"""The review queue: labels matched with middling confidence, decided by a person.

A decision becomes an alias (label key + context → code, or '' for "not a catalogued
criterion"), is applied at once to the observations already loaded, and is replayed by
the matcher on every later ingest, so the same name never asks twice.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from sqlmodel import Session, select

from chiso.db.catalogue import criterion_rows
from chiso.load.schema import Alias, Document, Observation, ReviewItem, now
from chiso.load.warehouse import Warehouse
from chiso.match.matching import alias_key, derived_code
from chiso.model import ChisoError

NOT_IN_CATALOGUE = "none"


def open_items(wh: Warehouse) -> list[ReviewItem]:
    with wh.session() as s:
        return list(s.exec(select(ReviewItem).where(ReviewItem.status == "open").order_by(ReviewItem.id)).all())


def decide(wh: Warehouse, item_id: int, target: str, who: str = "review") -> int:
    """Record a decision for one queued label; returns the observations updated.

    `target` is a catalogue code, 'accept' (the best candidate) or 'none' (not in the catalogue).
    """
    with Session(wh.engine) as s, s.begin():
        item = s.get(ReviewItem, item_id)
        if item is None:
            raise ChisoError(f"no review item {item_id}: `chiso review` lists the open items")
        candidates = json.loads(item.candidates or "[]")
        if target == "accept":
            if not candidates:
                raise ChisoError(f"review item {item_id} has no candidate to accept: use --set {item_id}=CODE or --reject")
            target = candidates[0][0]
        code = "" if target == NOT_IN_CATALOGUE else target
        if code and code not in known_codes(item.index):
            raise ChisoError(f"'{code}' is not a {item.index} code of the catalogue (see the criterion table); "
                             "nothing recorded")
        s.add(Alias(kind=item.kind, index=item.index, key=item.key, context=item.context, target=code,
                    decided_by=who, decided_at=now()))
        item.status = "decided"
        s.add(item)
        rows = s.exec(select(Observation).join(Document, Document.id == Observation.document_id)
                      .where(Observation.index == item.index, Document.status == "current")).all()
        n = 0
        for obs in rows:
            if alias_key(obs.index, obs.label, obs.group_label)[1:] != (item.key, item.context):
                continue
            obs.criterion = code or derived_code(obs.index, obs.label, obs.group_label)
            obs.flags = ";".join(c for c in obs.flags.split(";") if c and c != "match_review")
            s.add(obs)
            n += 1
        return n


def known_codes(index: str) -> set[str]:
    return {r["code"] for r in criterion_rows() if r["index"] == index}


def export_queue(wh: Warehouse, path: str | Path) -> int:
    items = open_items(wh)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "index", "label", "context", "candidate_1", "score_1", "candidate_2", "score_2",
                    "candidate_3", "score_3", "decision"])
        for it in items:
            cands = json.loads(it.candidates or "[]")[:3]
            flat: list[str] = []
            for code, _name, score in cands:
                flat += [code, str(score)]
            flat += [""] * (6 - len(flat))
            w.writerow([it.id, it.index, it.label, it.context, *flat, ""])
    return len(items)


def import_decisions(wh: Warehouse, path: str | Path, who: str = "csv") -> tuple[int, int]:
    """Apply the 'decision' column of an exported queue (a code, 'accept' or 'none')."""
    decided = updated = 0
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            decision = (row.get("decision") or "").strip()
            if not decision:
                continue
            try:
                item = int(row["id"])
            except (KeyError, TypeError, ValueError):
                raise ChisoError(f"{path}: a row has no valid id ({row.get('id')!r}); nothing after it applied") from None
            updated += decide(wh, item, decision, who)
            decided += 1
    return decided, updated
