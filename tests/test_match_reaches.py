"""The early test of a crosswalk pool (match/matching.py `_reaches`) says yes exactly when the pool's best
candidate scores at least the threshold: the crosswalk is skipped only where it could not have matched."""

import pytest

from chiso.db.catalogue import catalogue
from chiso.match import matching
from chiso.normalize.text import match_key

LABELS = [
    "",
    "Kết quả giải quyết TTHC đảm bảo tính công bằng",
    "công bằng đảm bảo tính Kết quả giải quyết thủ tục hành chính",  # reordered words: token_sort decides
    "Chỉ số hài lòng, về: sự phục vụ (%)",  # not a match key: scored as given
    "Qua mạng internet",
    "Tiếp cận dịch vụ",
    "Công khai, minh bạch",
    "Trách nhiệm giải trình với người dân",
    "Một tiêu chí không có trong danh mục",
]


@pytest.mark.parametrize("index", ["SIPAS", "PAPI", "PCI"])
def test_reaches_agrees_with_the_ranking(index):
    cat = catalogue()
    periods = {p for (i, p, _) in cat.nodes if i == index}
    assert periods
    seen = set()
    for period in periods:
        other = [n for n in cat.nodes.values() if n.index == index and n.period != period]
        pool = matching._pool(other)
        names = [n.name for n in other[:40]]  # names of the pool itself: scores of 100
        for label in LABELS + names:
            for key in (match_key(label), label):
                ranked = matching.rank_candidates(key, other)
                expected = bool(ranked) and ranked[0].score >= matching.HIGH
                assert matching._reaches(key, pool, matching.HIGH) == expected, (period, key)
                seen.add(expected)
    assert seen == {True, False} or len(periods) == 1  # both answers were exercised
