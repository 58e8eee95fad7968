"""Criterion codes for observations.

Until a label is linked to the canonical catalogue it still needs a code that is the
same wherever the same label is printed in the same context (the DOCX and the PDF of a
report, the 2024 and 2023 columns of a table): a code derived from the index, the
group context and the label's matching key. Catalogue links replace it when known.
"""

from __future__ import annotations

import hashlib

from chiso.interpret.model import Interpretation, RawObservation
from chiso.normalize.text import match_key, slug


def derived_code(obs: RawObservation) -> str:
    key = match_key(obs.label)
    group = match_key(obs.group) if obs.group else ""
    digest = hashlib.sha1(f"{obs.index}|{group}|{key}".encode()).hexdigest()[:8]
    return f"{obs.index.lower()}.x.{slug(obs.label, 32)}.{digest}"


def assign_criteria(result: Interpretation) -> None:
    for obs in result.observations:
        if obs.group == "__total__":
            obs.group = None
            obs.criterion = f"{obs.index.lower()}.total"
        if obs.criterion is None:
            obs.criterion = derived_code(obs)
