"""Cheap tests that tell a sentence reader it cannot read anything in a text, before its patterns run, and
where in a text a pattern anchored at its end can match.

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
    for word in words:  # noqa: SIM110  (a plain loop: twice as fast as any() for a few words, asked per clause)
        if word in folded:
            return True
    return False


def last_words_start(text: str, words: int) -> int:
    """Where the text's last `words` words start, with the spaces before them (0 when it has no more).

    A match of a pattern anchored at the end (`…$`) that looks at nothing before its match and spans at most
    that many words (runs of non-space) lies after this point: searching a long clause from its start, for
    every number in it, finds nothing more."""
    head = text.rsplit(None, words)
    return len(head[0]) if len(head) > words else 0
