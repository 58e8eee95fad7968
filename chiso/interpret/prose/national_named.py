"""A national average stated bare after a criterion named in the same sentence.

    Trong đó, nội dung Tham gia của người dân ở cấp cơ sở tiếp tục là điểm sáng của tỉnh: trung bình cả
    nước 4,98 điểm, tỉnh cao hơn 0,14 điểm …

`trung bình cả nước 4,98 điểm` opens its clause (after `:`, `;`, `,` or `trong khi`), so 4,98 is the
country's value, not a difference: `cao hơn trung bình cả nước 0,13 điểm` (a difference) has `hơn` before it
and is never read here, nor is `(cả nước 4,98 điểm)` beside a local value (`read_nationals`). The
criterion is the one name of the index's catalogue (of the report year's methodology) printed before it in
the sentence; a sentence naming none, or two, gives nothing: a missing value is better than a misplaced one.
"""

from __future__ import annotations

import re

from chiso.db.catalogue import catalogue
from chiso.interpret.prose.context import NUM, Findings, ProseContext, Sources
from chiso.model import RawObservation
from chiso.normalize.numbers import find_numbers
from chiso.normalize.text import clean_label, match_key

_BARE_NATIONAL = re.compile(r"(?:^|[:;]|,)\s*(?:trong\s+khi\s+(?:đó\s+)?)?(?:mức\s+|điểm\s+)?(?:trung\s+bình|bình\s+quân)"
                            r"(?:\s+chung)?\s+(?:của\s+)?(?:cả\s+nước|toàn\s+quốc)\s*(?:là|đạt|:)?\s*"
                            r"(?P<v>" + NUM + r")\s*(?P<u>%|điểm)(?!\s*(?:so\s+với|\)))", re.I)
_WORD = re.compile(r"[^\s,;:()“”\"]+")
_MAX_WORDS = 16  # the longest PAPI / SIPAS / PCI criterion name has fewer words


def read_named_nationals(text: str, ctx: ProseContext, src: Sources) -> Findings:
    found = Findings()
    if ctx.report_year is None:
        return found
    for m in _BARE_NATIONAL.finditer(text):
        if ctx.is_claimed(m.start("v")):
            continue
        start = max(text.rfind(". ", 0, m.start()) + 1, 0)
        names = _criteria_named(text[start: m.start()], ctx)
        rd = find_numbers(m.group("v") + " " + m.group("u"))[0].reading
        if len(names) != 1 or not rd.ok:
            continue
        found.observations.append(RawObservation(
            index=ctx.index, year=ctx.report_year, entity="Cả nước", label=names.pop(), value=rd.value,
            unit=rd.unit if rd.unit in ("%", "points") else ctx.unit, decimals=rd.decimals,
            source=src(text[start: m.end()].strip()), year_stated=False))
        ctx.claim(m.start("v"), m.end("v"))
    return found


def _criteria_named(head: str, ctx: ProseContext) -> set[str]:
    """The criterion names printed in `head`: each longest run of words that is a catalogue name or alias,
    exactly (a near name could take in the next word: `… ở cấp cơ sở tiếp`)."""
    cat = catalogue()
    period = cat.period_for(ctx.index, ctx.report_year)
    keys = {k for n in (cat.in_period(ctx.index, period) if period else []) for k in n.keys}
    words = list(_WORD.finditer(head))
    names: set[str] = set()
    i = 0
    while i < len(words):
        best = None
        for j in range(min(len(words), i + _MAX_WORDS), i, -1):
            phrase = head[words[i].start(): words[j - 1].end()]
            if j - i >= 2 and match_key(clean_label(phrase)) in keys:
                best = (j, clean_label(phrase))
                break
        if best:
            names.add(best[1])
            i = best[0]
        else:
            i += 1
    return names


__all__ = ["read_named_nationals"]
