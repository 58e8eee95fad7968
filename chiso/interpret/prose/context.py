"""What sentence readers know and what they find."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from chiso.extract.ocr_numbers import confidence_in
from chiso.model import Flag, RawObservation, Source, TextBlock
from chiso.normalize.numbers import RANK_AT, RANK_VERB

__all__ = ["NUM", "RANK_AT", "RANK_VERB", "Findings", "NationalStatement", "ProseContext", "RankStatement",
           "Sources", "set_rank"]

NUM = r"(?:[+\-]?\d[\d.,]*\d|\d)"


@dataclass
class ProseContext:
    index: str
    entity: str
    province: str | None
    report_year: int | None
    unit: str | None
    heading: str
    title_label: str  # how the title names the index, for values of the index itself
    claimed: list[tuple[int, int]] = field(default_factory=list)  # spans of the block a reader has read
    memory: dict = field(default_factory=dict)  # what readers carry from block to block (list parents)

    def claim(self, start: int, end: int) -> None:
        self.claimed.append((start, end))

    def is_claimed(self, pos: int) -> bool:
        return any(a <= pos < b for a, b in self.claimed)


@dataclass
class RankStatement:
    """'… xếp thứ 55/63' with no value beside it: attached later to the value it is about."""

    subject: str
    rank: int
    rank_of: int
    source: Source
    year: int | None = None  # "… so với năm 2020 (xếp thứ 45/63)": an earlier year's rank (None: the report's)


@dataclass
class NationalStatement:
    """`77,21% (cả nước là 79,46%)`: the national value of whatever 77,21% is the value of."""

    local: float
    local_decimals: int
    value: float
    decimals: int
    unit: str | None
    source: Source


@dataclass
class Findings:
    observations: list[RawObservation] = field(default_factory=list)
    ranks: list[RankStatement] = field(default_factory=list)
    nationals: list[NationalStatement] = field(default_factory=list)
    flags: list[tuple[Flag, Source]] = field(default_factory=list)

    def extend(self, other: Findings) -> None:
        self.observations += other.observations
        self.ranks += other.ranks
        self.nationals += other.nationals
        self.flags += other.flags


class Sources:
    """Makes the `Source` of a snippet of one block (text or footnote), naming the reader.

    For a block read by OCR the source carries the lowest confidence of the snippet's numbers: the
    block keeps each number's confidence by its digits (`TextBlock.ocr_numbers`), because a
    snippet is not always a span of the block's text (readers rebuild some), while its numbers
    are the block's (`ocr_numbers.confidence_in`)."""

    def __init__(self, block: TextBlock, reader: str = ""):
        self.block = block
        self.reader = reader

    def __call__(self, snippet: str) -> Source:
        b = self.block
        return Source(kind="footnote" if b.kind == "footnote" else "text", page=b.page, block=b.number,
                      bbox=b.bbox, snippet=snippet[:160], reader=self.reader or None,
                      ocr_confidence=confidence_in(snippet, b.ocr_numbers))


def set_rank(obs: RawObservation, m: re.Match[str]) -> None:
    r, n = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
    obs.rank, obs.rank_of = int(r), int(n)
