"""Fuzzy scores computed for a whole pool at once are the scores of the definition:
a node's score is the best of ratio and token_sort_ratio over its names and aliases."""

import pytest
from rapidfuzz import fuzz

from chiso.db.catalogue import catalogue
from chiso.match.matching import rank_candidates
from chiso.normalize.text import match_key


def _definition(key: str, nodes: list) -> list[tuple[str, float]]:
    scored = [(n.code, max((max(fuzz.ratio(key, k), fuzz.token_sort_ratio(key, k)) for k in n.keys), default=0.0))
              for n in nodes]
    scored.sort(key=lambda c: -c[1])
    seen: set[str] = set()
    return [c for c in scored if not (c[0] in seen or seen.add(c[0]))]


@pytest.mark.parametrize("label", [
    "Kết quả giải quyết TTHC đảm bảo tính công bằng",
    "công bằng đảm bảo tính Kết quả giải quyết thủ tục hành chính",  # words reordered: token_sort wins
    "Qua mạng internet",
    "Chỉ số hài lòng, về: sự phục vụ (%)",  # punctuation: not a match key, scored as given
    "",
])
def test_pool_scores_are_the_definition(label):
    cat = catalogue()
    nodes = cat.in_period("SIPAS", cat.period_for("SIPAS", 2024))
    for key in (match_key(label), label):
        assert [(c.code, c.score) for c in rank_candidates(key, nodes)] == _definition(key, nodes)


def test_best_candidate_of_an_abbreviated_label():
    cat = catalogue()
    nodes = cat.in_period("SIPAS", cat.period_for("SIPAS", 2024))
    best = rank_candidates(match_key("Kết quả giải quyết TTHC đảm bảo tính công bằng"), nodes)[0]
    assert best.score == 100.0
