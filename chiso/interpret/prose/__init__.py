"""Figures stated in sentences → observations, through a registry of constructions.

A sentence gives a value only in a few constructions, and each has its reader (`READERS`,
in the order they run; each finds its own numbers in the block's text). Every value a
reader makes names the reader in its source. Survey-share bullets (`- Về tiêu chí "…": Có
58,37% người …`) state no criterion's value: only ranks and national values are read there.
A reader runs only on a block that holds a digit and one of the words its constructions are
spelled with (`needs`, prefilter.py): most blocks hold neither.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from chiso.interpret.prose.components import (
    read_components,
    read_criterion_extremes,
    read_expectations,
    read_from_to,
    read_quoted_values,
    read_ranked_list,
)
from chiso.interpret.prose.context import Findings, NationalStatement, ProseContext, RankStatement, Sources
from chiso.interpret.prose.entity_values import read_entity_values
from chiso.interpret.prose.items import read_items
from chiso.interpret.prose.national_named import read_named_nationals
from chiso.interpret.prose.others import (
    read_broken_numbers,
    read_named_extremes,
    read_nationals,
    read_rank_statements,
    read_respectively,
    read_series,
)
from chiso.interpret.prose.prefilter import DIGIT, fold, holds_any
from chiso.interpret.prose.stated import read_stated
from chiso.model import TextBlock
from chiso.normalize.text import clean_text

__all__ = ["Findings", "NationalStatement", "ProseContext", "RankStatement", "READERS", "read_block"]

_SHARE_BULLET = re.compile(r"^\s*[-+•]\s*(?:về\s+)?(?:tiêu\s+chí|chỉ\s+tiêu)?\s*[“\"]|^\s*[-+•]\s*về\s+tiêu\s+chí", re.I)


@dataclass(frozen=True)
class ProseReader:
    name: str
    read: Callable[[str, ProseContext, Sources], Findings]
    in_share_bullets: bool = False  # also runs on survey-share bullets
    # Words (lower case) one of which every match of the reader's patterns spells, so that a block holding
    # none of them (folded, `prefilter.fold`) gives the reader nothing to read and nothing to remember;
    # () when no word says. Tested in tests/test_prose_prefilters.py.
    needs: tuple[str, ...] = ()
    needs_digit: bool = True  # a block without a digit gives it nothing either (all but `stated_value`)


READERS: list[ProseReader] = [
    ProseReader("broken_numbers", read_broken_numbers),
    ProseReader("list_item", read_items, needs=(":",)),
    ProseReader("components_listed", read_components, needs=("phần", "xét")),  # thành phần, xét theo
    ProseReader("expectations", read_expectations, needs=("mong", "vọng", "cầu")),
    ProseReader("quoted_values", read_quoted_values, needs=("“", '"')),
    ProseReader("ranked_list", read_ranked_list, needs=("(",)),
    ProseReader("criterion_extremes", read_criterion_extremes, needs=("nhất",)),
    ProseReader("from_to", read_from_to, needs=("từ", "với")),  # từ … xuống …; so với năm (the year compared with)
    ProseReader("year_series", read_series, needs=("20",)),
    ProseReader("respectively", read_respectively, needs=("lượt",)),
    ProseReader("entity_values", read_entity_values),
    ProseReader("stated_value", read_stated, needs_digit=False),  # it carries its subject on to the next block
    ProseReader("named_extremes", read_named_extremes, needs=("nhất", "đầu", "bảng")),
    ProseReader("rank_statement", read_rank_statements, in_share_bullets=True, needs=("/",)),
    ProseReader("national_value", read_nationals, in_share_bullets=True, needs=("nước", "quốc")),
    ProseReader("national_named", read_named_nationals, needs=("nước", "quốc")),
]


def read_block(block: TextBlock, ctx: ProseContext) -> Findings:
    """Everything the sentence readers find in one text block."""
    text = clean_text(block.text)
    share_bullet = block.kind == "paragraph" and bool(_SHARE_BULLET.match(text))
    has_digit = DIGIT.search(text) is not None
    folded = fold(text)
    found = Findings()
    ctx.claimed.clear()
    for reader in READERS:
        if share_bullet and not reader.in_share_bullets or reader.needs_digit and not has_digit \
                or reader.needs and not holds_any(folded, reader.needs):
            continue
        found.extend(reader.read(text, ctx, Sources(block, reader.name)))
    return found
