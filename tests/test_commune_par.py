"""A district's decision on the PAR INDEX of its communes (huyen-namdan-par-xa-2024, DOCX and PDF): every
commune's index with its rank out of the district's communes, the communes' average as the district's block
(never the district's own index), and the province found although only the recipients name it."""
import pytest
from helpers import exported, interpreted

from chiso.interpret.prose.subjects import label_for


@pytest.mark.parametrize("name", ["huyen-namdan-par-xa-2024.docx", "huyen-namdan-par-xa-2024.pdf"])
def test_communes_and_their_average(name):
    it = interpreted(name)
    assert (it.meta.province, it.meta.subject) == ("Nghệ An", "Huyện Nam Đàn")
    obs = exported(it)
    communes = [o for o in obs if o.entity.startswith(("UBND xã", "UBND thị trấn"))]
    assert len({o.entity for o in communes}) == 12
    ranked = sorted((o.rank, o.entity) for o in communes if o.rank is not None)
    assert [r for r, _ in ranked] == list(range(1, 13)) and {o.rank_of for o in communes if o.rank} == {12}
    assert ranked[0][1] == "UBND xã Kim Liên" and ranked[-1][1] == "UBND xã Nam Kim"
    district = [o for o in obs if o.entity == "Huyện Nam Đàn"]
    assert [(o.value, o.criterion == "par.total", o.is_total) for o in district] == [(82.47, False, False)]
    assert not [o for o in obs if o.value in (86.75, 88.95) and o.entity == "Huyện Nam Đàn"]


def test_average_of_communes_is_a_block_in_other_words():
    class Ctx:  # only what label_for reads before it returns for a block of communes
        pass
    for subject in ("Chỉ số CCHC trung bình của 12 xã, thị trấn", "Chỉ số CCHC bình quân chung của các xã, phường, "
                    "thị trấn", "Chỉ số CCHC bình quân khối UBND các xã"):
        label, total = label_for(subject, Ctx())
        assert not total and label and "xã" in label
