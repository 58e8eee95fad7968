"""What an observation's entity is: the province, the country, an agency or a district.

Agencies are kinds (every province has its Sở Tư pháp), matched against db/places/agencies.csv
with their 2025 renames; districts and cities are kept as printed (districts were abolished
in July 2025, so their names are history, not a list to maintain).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from chiso.db.reference import read_csv, resolve_province
from chiso.normalize.text import match_key


@dataclass(frozen=True)
class EntityInfo:
    name: str
    kind: str  # province | national | agency | district | city | other
    canonical: str | None  # province code, agency code, or None


@lru_cache(maxsize=1)
def _agencies() -> list[tuple[str, str]]:
    out = []
    for row in read_csv("places/agencies.csv"):
        for name in [row["name"], *[a for a in row.get("aliases", "").split(";") if a.strip()]]:
            out.append((match_key(name), row["code"]))
    return out


_LOCAL = re.compile(r"^(?:UBND\s+|Ủy\s+ban\s+nhân\s+dân\s+)?(huyện|thị\s+xã|thành\s+phố|quận|xã|phường)\s+", re.I)


@lru_cache(maxsize=20_000)
def classify(name: str, province: str | None) -> EntityInfo:
    if re.fullmatch(r"cả\s+nước|toàn\s+quốc", name.strip(), re.I):
        return EntityInfo(name, "national", "vn")
    if province and match_key(name) == match_key(province):
        prov = resolve_province(province)
        return EntityInfo(name, "province", prov.code if prov else None)
    local = _LOCAL.match(name)
    if local:
        kind = "city" if local.group(1).lower() in ("thành phố", "thị xã") else "district"
        return EntityInfo(name, kind, None)
    key = match_key(name)
    best = max(((fuzz.ratio(key, k), code) for k, code in _agencies()), default=(0.0, None))
    if best[0] >= 92:
        return EntityInfo(name, "agency", best[1])
    prov = resolve_province(name)
    if prov is not None:
        return EntityInfo(name, "province", prov.code)
    return EntityInfo(name, "other", None)
