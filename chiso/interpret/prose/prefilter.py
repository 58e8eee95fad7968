"""Cheap tests that tell a sentence reader it cannot read anything in a text, before its patterns run.

Most blocks hold none of the words a construction is spelled with (`lần lượt`, `cả nước`, `xét theo`),
and looking for a word is far cheaper than running a pattern over the whole block. A reader's words are
a necessary condition: every match of the patterns it reads with spells one of them. `re.I` matches a
pattern's letters to their lower and upper case, and 'i' also to 'İ' and 'ı' (Python's re docs): a text
lowered after those two are made 'i' (`fold`) holds the word whenever the pattern matches
(tests/test_prose_prefilters.py checks every code point `re.I` takes for each letter of the words).
"""

from __future__ import annotations

import re

DIGIT = re.compile(r"\d")  # what every figure a reader reads starts with (`NUM`, `find_numbers`)
_DOTTED_I = str.maketrans({"İ": "i", "ı": "i"})


def fold(text: str) -> str:
    """The text in lower case, 'İ' and 'ı' made 'i'; looked in for the words of `holds_any`."""
    if "İ" in text or "ı" in text:
        text = text.translate(_DOTTED_I)
    return text.lower()


def holds_any(folded: str, words: tuple[str, ...]) -> bool:
    """Does the folded text hold one of the (lower-case) words?"""
    return any(map(folded.__contains__, words))
