"""Credit subjects as a pure function of (seed, index).

Subject number k is rebuilt from its own random stream whenever a record needs it, so a
million subjects never sit in memory and the same k always gives the same subject.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from xinyong.synth import codes, pools, profile
from xinyong.synth.policy import Area, Policy

ORGANISATION = "法人及非法人组织"
INDIVIDUAL_BUSINESS = "个体工商户"
NATURAL_PERSON = "自然人"

# (kind, weight): the mix of subjects, roughly that of a city's register plus the licensed
# professionals that licence and penalty records name.
KINDS: tuple[tuple[str, int], ...] = (
    ("enterprise", 52),
    ("individual", 26),
    ("person", 10),
    ("cooperative", 3),
    ("social", 3),
    ("institution", 3),
    ("rural", 2),
    ("other", 1),
)
# Registration volume by district (GB/T 2260 code); districts not named weigh 3.
DISTRICT_WEIGHTS = {
    "120116": 20, "120114": 9, "120111": 8, "120104": 7, "120103": 7, "120110": 6,
    "120113": 6, "120112": 5, "120115": 5, "120118": 5, "120101": 5, "120102": 4,
    "120105": 4, "120119": 4, "120117": 3, "120106": 2,
}  # fmt: skip
_SUBJECT_STREAM_BITS = 40


@dataclass(frozen=True, slots=True)
class Subject:
    """Everything known about one subject; records show some of it, as departments do."""

    id: str
    kind: str
    category: str
    name: str
    district: str
    uscc: str = ""
    org_code: str = ""
    business_reg: str = ""
    tax_reg: str = ""
    institution_cert: str = ""
    social_org_cert: str = ""
    legal_rep: str = ""
    legal_rep_id: str = ""
    person_id: str = ""
    industry: str = ""  # GB/T 4754-2017 section letter; none for natural persons
    size: str = ""  # large | medium | small | micro, for enterprises and kin

    def as_json(self) -> dict[str, Any]:
        return {key: value for key, value in asdict(self).items() if value}


class SubjectFactory:
    """Builds subject k for a seed; also draws Chinese names and citizen IDs for records."""

    def __init__(self, seed: int, policy: Policy, base_date: date) -> None:
        self.seed = seed
        self.base_date = base_date
        self.city = policy.city
        self.city_short = policy.city.name.removesuffix("市")
        self.districts = policy.districts
        self._district_weights = list(
            itertools.accumulate(DISTRICT_WEIGHTS.get(d.code, 3) for d in policy.districts)
        )
        # Citizen IDs carry the region where the person was first registered: current
        # districts mostly, abolished county codes for older people.
        self._birth_regions = [d.code for d in policy.districts] + [
            a.code for a in policy.abolished
        ]
        self._abolished = [a.code for a in policy.abolished]
        self._kinds = [kind for kind, _ in KINDS]
        self._kind_weights = list(itertools.accumulate(w for _, w in KINDS))
        self._surnames = [s for s, _ in pools.SURNAMES]
        self._surname_weights = list(itertools.accumulate(w for _, w in pools.SURNAMES))
        self._suffixes = [s for s, _ in pools.ENTERPRISE_SUFFIXES]
        self._suffix_weights = list(itertools.accumulate(w for _, w in pools.ENTERPRISE_SUFFIXES))

    # -- people ---------------------------------------------------------------------------

    def person_name(self, rng: random.Random) -> str:
        surname = rng.choices(self._surnames, cum_weights=self._surname_weights)[0]
        length = 1 if rng.random() < 0.3 else 2
        return surname + "".join(rng.choice(pools.GIVEN_NAME_CHARS) for _ in range(length))

    def person_id(self, rng: random.Random, min_age: int = 22, max_age: int = 70) -> str:
        """A citizen ID of someone aged between `min_age` and `max_age` at the base date."""
        oldest = self.base_date.replace(year=self.base_date.year - max_age)
        span = (self.base_date.replace(year=self.base_date.year - min_age) - oldest).days
        birth = oldest + timedelta(days=rng.randrange(span))
        region = rng.choice(self._birth_regions if rng.random() < 0.2 else self._current())
        return codes.citizen_id(rng, region, birth)

    def _current(self) -> list[str]:
        return [d.code for d in self.districts]

    # -- subjects -------------------------------------------------------------------------

    def subject(self, index: int) -> Subject:
        rng = random.Random((self.seed << _SUBJECT_STREAM_BITS) + index)
        kind = rng.choices(self._kinds, cum_weights=self._kind_weights)[0]
        district = rng.choices(self.districts, cum_weights=self._district_weights)[0]
        sid = f"S{index + 1:08d}"
        if kind == "person":
            name = self.person_name(rng)
            return Subject(
                sid, kind, NATURAL_PERSON, name, district.code, person_id=self.person_id(rng)
            )
        builder = getattr(self, f"_{kind}")
        fields: dict[str, str] = builder(rng, district)
        legal_rep = self.person_name(rng)
        legal_rep_id = self.person_id(rng, 25, 70)
        return Subject(
            sid,
            kind,
            INDIVIDUAL_BUSINESS if kind == "individual" else ORGANISATION,
            district=district.code,
            legal_rep=legal_rep,
            legal_rep_id=legal_rep_id,
            size=profile.size(rng, kind),  # the last draw: the others stay as they were
            **fields,
        )

    def _trade_name(self, rng: random.Random) -> str:
        length = 3 if rng.random() < 0.15 else 2
        return "".join(rng.choice(pools.TRADE_NAME_CHARS) for _ in range(length))

    def _registry_region(self, rng: random.Random, district: Area, *, legacy: bool) -> str:
        """Where the subject was registered: its district, the city, or an abolished area."""
        roll = rng.random()
        if roll < 0.06:
            return self.city.code
        if legacy and self._abolished and roll < 0.16:
            return rng.choice(self._abolished)
        return district.code

    def _enterprise(self, rng: random.Random, district: Area) -> dict[str, str]:
        trade, line = self._trade_name(rng), rng.choice(pools.INDUSTRIES)
        suffix = rng.choices(self._suffixes, cum_weights=self._suffix_weights)[0]
        pattern = rng.random()
        if pattern < 0.55:
            name = f"{self.city_short}{trade}{line}{suffix}"
        elif pattern < 0.85:
            name = f"{self.city.name}{trade}{line}{suffix}"
        else:
            name = f"{trade}（{self.city_short}）{line}{suffix}"
        industry = profile.ENTERPRISE_INDUSTRIES[line]
        legacy = rng.random() < 0.35
        region = self._registry_region(rng, district, legacy=legacy)
        if not legacy:
            body = codes.org_body(rng, "MA0")
            uscc = codes.uscc("9", "1", region, body)
            return {
                "name": name,
                "uscc": uscc,
                "org_code": codes.org_code(body),
                "industry": industry,
            }
        body = codes.org_body(rng, "")
        org = codes.org_code(body)
        fields = {
            "name": name,
            "industry": industry,
            "org_code": org,
            "business_reg": codes.business_reg(rng, region, individual=False),
            "tax_reg": codes.tax_reg(region, org),
        }
        if rng.random() < 0.85:  # converted to a USCC that embeds the same organisation code
            fields["uscc"] = codes.uscc("9", "1", region, body)
        return fields

    def _individual(self, rng: random.Random, district: Area) -> dict[str, str]:
        shop = rng.choice(pools.SHOPS)
        surname = rng.choices(self._surnames, cum_weights=self._surname_weights)[0]
        pattern = rng.random()
        if pattern < 0.5:
            name = f"{district.name}{surname}记{shop}"
        elif pattern < 0.8:
            name = f"{self.city.name}{district.name}{self._trade_name(rng)}{shop}"
        else:
            name = f"{district.name}{self._trade_name(rng)}{shop}"
        roll = rng.random()
        region = self._registry_region(rng, district, legacy=roll < 0.6)
        fields = {"name": name, "industry": profile.SHOP_INDUSTRIES[shop]}
        if roll < 0.6:  # registered before 2016: a GS 15 number, often never converted
            fields["business_reg"] = codes.business_reg(rng, region, individual=True)
        if roll >= 0.45:
            fields["uscc"] = codes.uscc("9", "2", region, codes.org_body(rng, "MA0"))
        return fields

    def _cooperative(self, rng: random.Random, district: Area) -> dict[str, str]:
        trade, crop = self._trade_name(rng), rng.choice(pools.CROPS)
        name = f"{self.city.name}{district.name}{trade}{crop}专业合作社"
        body = codes.org_body(rng, "MA0")
        fields = {
            "name": name,
            "uscc": codes.uscc("9", "3", district.code, body),
            "industry": profile.COOPERATIVE_INDUSTRY,
        }
        if rng.random() < 0.3:
            fields["business_reg"] = codes.business_reg(rng, district.code, individual=False)
        return fields

    def _social(self, rng: random.Random, district: Area) -> dict[str, str]:
        category, ending = rng.choice(pools.SOCIAL_ORG_KINDS)
        citywide = rng.random() < 0.5
        region = self.city.code if citywide else district.code
        place = self.city.name if citywide else f"{self.city.name}{district.name}"
        line = rng.choice(pools.INDUSTRIES) if category == "1" else self._trade_name(rng)
        body = codes.org_body(rng, "MJ")
        cert = {"1": "津社证字", "2": "津民非证字", "3": "津基证字"}[category]
        return {
            "name": f"{place}{line}{ending}",
            "industry": profile.SOCIAL_ORG_INDUSTRIES[ending],
            "uscc": codes.uscc("5", category, region, body),
            "org_code": codes.org_code(body),
            "social_org_cert": f"{cert}第{rng.randrange(1, 100000):06d}号",
        }

    def _institution(self, rng: random.Random, district: Area) -> dict[str, str]:
        ordinal = rng.choice("第一第二第三第四第五")
        kind = rng.choice(pools.INSTITUTION_KINDS)
        name = f"{self.city.name}{district.name}{ordinal if kind.endswith('学') else ''}{kind}"
        body = "4" + codes.org_body(rng, "")[1:]
        return {
            "name": name,
            "uscc": codes.uscc("1", "2", district.code, body),
            "org_code": codes.org_code(body),
            "institution_cert": f"事证第1{district.code}{rng.randrange(100000):05d}号",
            "industry": profile.INSTITUTION_INDUSTRIES[kind],
        }

    def _rural(self, rng: random.Random, district: Area) -> dict[str, str]:
        village = self._trade_name(rng)
        name = f"{self.city.name}{district.name}{village}{rng.choice(pools.VILLAGE_SUFFIXES)}"
        body = codes.org_body(rng, "MF")
        return {
            "name": name,
            "uscc": codes.uscc("N", "2", district.code, body),
            "industry": profile.COMMUNITY_INDUSTRY,
        }

    def _other(self, rng: random.Random, district: Area) -> dict[str, str]:
        trade, suffix = self._trade_name(rng), rng.choice(pools.OTHER_ORG_SUFFIXES)
        body = codes.org_body(rng, "MG")
        name = f"{self.city.name}{district.name}{trade}{suffix}"
        return {
            "name": name,
            "uscc": codes.uscc("Y", "1", district.code, body),
            "industry": profile.COMMUNITY_INDUSTRY,
        }
