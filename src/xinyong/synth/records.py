"""Licence and penalty records about synthetic subjects, as logical rows keyed by v2 names.

Values are `str` ("" when empty), `date` for dates and `Decimal` for amounts in 万元; how
they are spelled in a file (and the mess around them) is `render.py`'s business.
"""

from __future__ import annotations

import calendar
import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from xinyong.synth import codes, schemas
from xinyong.synth.policy import Department, Policy
from xinyong.synth.sectors import SECTORS, LicenceKind, PenaltyKind, Sector
from xinyong.synth.subjects import NATURAL_PERSON, Subject, SubjectFactory

Value = str | date | Decimal
Record = dict[str, Value]

LONG_TERM = date(2099, 12, 31)
# Codes on records decided before this date may predate the subject's USCC.
USCC_COMPLETE = date(2018, 1, 1)
ID_CARD = "身份证"

# Bad-row reasons (stable codes, also written to the manifest).
INVALID_CHECK_CHAR = "invalid_check_char"
FUTURE_DECISION_DATE = "future_decision_date"
MISSING_REQUIRED_FIELD = "missing_required_field"
VALIDITY_END_BEFORE_START = "validity_end_before_start"
PENALTY_BAD_REASONS = (INVALID_CHECK_CHAR, FUTURE_DECISION_DATE, MISSING_REQUIRED_FIELD)
LICENCE_BAD_REASONS = (*PENALTY_BAD_REASONS, VALIDITY_END_BEFORE_START)
_PRIMARY_CODES = ("统一社会信用代码", "证件号码", "工商注册号", "组织机构代码")


@dataclass(frozen=True, slots=True)
class Bad:
    """Why a row is deliberately wrong, and the (v2) field that makes it so."""

    reason: str
    field: str


@dataclass(frozen=True, slots=True)
class Generated:
    record: Record
    bad: Bad | None
    categories: tuple[str, ...] = ()
    department: Department | None = None


def _add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day if it is shorter."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _yuan(amount: Decimal) -> str:
    yuan = amount * 10000
    return f"{yuan:.0f}" if yuan == yuan.to_integral_value() else f"{yuan:.2f}"


class RecordFactory:
    """Draws records for one dataset; keeps the per-department document-number counters."""

    def __init__(
        self, subjects: SubjectFactory, policy: Policy, n_subjects: int, base_date: date
    ) -> None:
        self.subjects = subjects
        self.n_subjects = n_subjects
        self.base_date = base_date
        self.city = policy.city
        self._district_names = {d.code: d.name for d in policy.districts}
        active = [
            (i, d, SECTORS[d.sector])
            for i, d in enumerate(policy.departments)
            if d.kind == "department" and d.sector in SECTORS
        ]
        if not active:
            raise ValueError("the policy needs departments that decide licences and penalties")
        self._style = {d.uscc: i % 3 for i, d, _ in active}
        self._abbr = {d.uscc: s.abbr for _, d, s in active}
        self._penalties = self._choices(active, penalties=True)
        self._licences = self._choices(active, penalties=False)
        if not (self._penalties and self._licences):
            raise ValueError("the policy needs departments that decide licences and penalties")
        self._counters: dict[tuple[str, str, int], int] = {}

    @staticmethod
    def _choices(
        active: Sequence[tuple[int, Department, Sector]], *, penalties: bool
    ) -> dict[str, tuple[list[tuple[Department, PenaltyKind | LicenceKind]], list[float]]]:
        """Per subject kind: (department, template) pairs and their cumulative weights."""
        per_sector: dict[str, int] = {}
        for _, department, _ in active:
            per_sector[department.sector] = per_sector.get(department.sector, 0) + 1
        by_kind: dict[str, list[tuple[Department, PenaltyKind | LicenceKind, float]]] = {}
        for _, department, sector in active:
            kinds: Sequence[PenaltyKind | LicenceKind] = (
                sector.penalties if penalties else sector.licences
            )
            weight = sector.penalty_weight if penalties else sector.licence_weight
            for template in kinds:
                share = weight / len(kinds) / per_sector[department.sector]
                if share <= 0:
                    continue
                for kind in template.subjects:
                    by_kind.setdefault(kind, []).append((department, template, share))
        return {
            kind: (
                [(d, t) for d, t, _ in entries],
                list(itertools.accumulate(w for _, _, w in entries)),
            )
            for kind, entries in by_kind.items()
        }

    # -- shared parts ---------------------------------------------------------------------

    def _pick(
        self, rng: random.Random, *, penalties: bool
    ) -> tuple[Subject, Department, PenaltyKind | LicenceKind]:
        table = self._penalties if penalties else self._licences
        while True:
            subject = self.subjects.subject(rng.randrange(self.n_subjects))
            choices = table.get(subject.kind)
            if choices:
                department, template = rng.choices(choices[0], cum_weights=choices[1])[0]
                return subject, department, template

    def decision_date(self, rng: random.Random, *, legacy: bool, bad: bool) -> date:
        """v2 records: the last four years; v1: five to ten years back; bad: decades ahead."""
        if bad:
            return date(self.base_date.year + rng.randint(30, 60), rng.randint(1, 12), 15)
        if legacy:
            return self.base_date - timedelta(days=5 * 365 + rng.randrange(5 * 365))
        return self.base_date - timedelta(days=rng.randrange(4 * 365))

    def document_number(
        self, department: Department, kind: str, year: int, rng: random.Random
    ) -> str:
        """`津{abbr}罚〔2026〕123号` in the department's own style; unique per department."""
        key = (department.uscc, kind, year)
        number = self._counters.get(key, rng.randrange(1, 30)) + rng.randrange(1, 4)
        self._counters[key] = number
        abbr = self._abbr[department.uscc]
        style = self._style[department.uscc]
        if style == 0:
            return f"津{abbr}{kind}〔{year}〕{number}号"
        if style == 1:
            return f"津{abbr}{kind}字〔{year}〕第{number}号"
        return f"津{abbr}{kind}〔{year}〕{number:04d}号"

    def identify(self, rng: random.Random, subject: Subject, decided: date) -> Record:
        """The subject block as a department fills it in: some identifiers, not all."""
        block: Record = dict.fromkeys(schemas.SUBJECT_V2, "")
        block["行政相对人名称"] = subject.name
        block["行政相对人类别"] = subject.category
        if subject.category == NATURAL_PERSON:
            block["证件类型"] = ID_CARD
            block["证件号码"] = subject.person_id
            return block
        legacy_era = decided < USCC_COMPLETE and rng.random() < 0.6
        if subject.uscc and not legacy_era:
            block["统一社会信用代码"] = subject.uscc
            if subject.kind != "individual" and subject.org_code and rng.random() < 0.15:
                block["组织机构代码"] = subject.org_code
            if subject.business_reg and rng.random() < 0.15:
                block["工商注册号"] = subject.business_reg
        else:  # older files: whichever legacy codes the department had on record
            shown = rng.random()
            if subject.kind != "individual" and (shown < 0.7 or not subject.business_reg):
                block["组织机构代码"] = subject.org_code
            if shown >= 0.3 or not block["组织机构代码"]:
                block["工商注册号"] = subject.business_reg
            if subject.tax_reg and rng.random() < 0.5:
                block["税务登记号"] = subject.tax_reg
            if not (block["组织机构代码"] or block["工商注册号"]):
                block["统一社会信用代码"] = subject.uscc
        if subject.institution_cert and rng.random() < 0.3:
            block["事业单位证书号"] = subject.institution_cert
        if subject.social_org_cert and rng.random() < 0.3:
            block["社会组织登记证号"] = subject.social_org_cert
        block["法定代表人"] = subject.legal_rep
        if rng.random() < 0.6:
            block["法定代表人证件类型"] = ID_CARD
            block["法定代表人证件号码"] = subject.legal_rep_id
        return block

    def _spoil(
        self, rng: random.Random, record: Record, reason: str, required: Sequence[str]
    ) -> Bad:
        """Make `record` wrong for `reason` (in place) and say which field is wrong."""
        if reason == INVALID_CHECK_CHAR:
            field = next(f for f in _PRIMARY_CODES if record[f])
            record[field] = codes.break_check(rng, str(record[field]))
            return Bad(reason, field)
        if reason == MISSING_REQUIRED_FIELD:
            field = rng.choice(required)
            record[field] = ""
            return Bad(reason, field)
        if reason == VALIDITY_END_BEFORE_START:
            start = record["有效期自"]
            assert isinstance(start, date)
            record["有效期至"] = start - timedelta(days=rng.randrange(1, 365))
            return Bad(reason, "有效期至")
        return Bad(reason, "许可决定日期" if "许可决定日期" in record else "处罚决定日期")

    def _place(self, subject: Subject) -> str:
        return self._district_names.get(subject.district, self.city.name)

    # -- licences -------------------------------------------------------------------------

    def licence(self, rng: random.Random, bad_reason: str | None = None) -> Generated:
        subject, department, template = self._pick(rng, penalties=False)
        assert isinstance(template, LicenceKind)
        decided = self.decision_date(rng, legacy=False, bad=bad_reason == FUTURE_DECISION_DATE)
        record = self.identify(rng, subject, decided)
        start = decided + timedelta(days=rng.choice((0, 0, 0, 1, 3)))
        end = LONG_TERM
        if template.years:
            end = _add_months(start, 12 * template.years) - timedelta(days=1)
        number = template.number.format(
            region=subject.district, year=decided.year, seq=f"{rng.randrange(10**6):06d}",
            d7=f"{rng.randrange(10**7):07d}", t=rng.randrange(1, 3),
            uscc=subject.uscc or subject.business_reg,
        )  # fmt: skip
        record.update(
            {
                "行政许可决定文书名称": template.document,
                "行政许可决定文书号": self.document_number(department, "许", decided.year, rng),
                "许可类别": template.category,
                "许可证书名称": template.certificate,
                "许可编号": number,
                "许可内容": template.content,
                "许可决定日期": decided,
                "有效期自": start,
                "有效期至": end,
                "许可机关": department.name,
                "许可机关统一社会信用代码": department.uscc,
                "当前状态": "有效" if end >= self.base_date else "无效",
                "数据来源单位": department.name,
                "数据来源单位统一社会信用代码": department.uscc,
                "备注": "",
            }
        )
        bad = None
        if bad_reason is not None:
            required = ("行政相对人名称", "行政许可决定文书号", "许可决定日期", "许可机关")
            bad = self._spoil(rng, record, bad_reason, required)
        return Generated(record, bad, department=department)

    # -- penalties ------------------------------------------------------------------------

    def _outcome(
        self, rng: random.Random, template: PenaltyKind
    ) -> tuple[tuple[str, ...], Decimal | None, Decimal | None, int]:
        """Categories, fine, confiscated amount (万元) and publication months."""
        low, high = template.fine
        roll = rng.random()
        if roll < 0.12 or (high == 0 and roll < 0.87):
            return (rng.choice(("警告", "警告", "通报批评")),), None, None, 3

        def amount(lo: float, hi: float) -> Decimal:
            return max(Decimal("0.01"), round(Decimal(rng.uniform(lo, hi)), rng.randint(1, 4)))

        if roll < 0.87:
            fine = amount(low, high)
            if template.confiscates and roll > 0.72:
                categories: tuple[str, ...] = ("罚款", "没收违法所得/非法财物")
                return categories, fine, amount(low / 4, high), 12
            return (("警告", "罚款") if roll < 0.3 else ("罚款",)), fine, None, 12
        if template.heavy == "行政拘留":
            if roll < 0.93:
                return ("罚款", "行政拘留"), amount(low, high), None, 36
            return ("行政拘留",), None, None, 36
        if not high:
            return (template.heavy,), None, None, 36
        return ("罚款", template.heavy), amount(high, high * 5), None, 36

    def penalty(
        self, rng: random.Random, bad_reason: str | None = None, *, legacy: bool = False
    ) -> Generated:
        subject, department, template = self._pick(rng, penalties=True)
        assert isinstance(template, PenaltyKind)
        decided = self.decision_date(rng, legacy=legacy, bad=bad_reason == FUTURE_DECISION_DATE)
        record = self.identify(rng, subject, decided)
        categories, fine, confiscated, months = self._outcome(rng, template)
        when = _cn_date(decided - timedelta(days=rng.randrange(10, 120)))
        fact = template.fact.format(name=subject.name, when=when, place=self._place(subject))
        content = []
        if "警告" in categories:
            content.append("警告")
        if "通报批评" in categories:
            content.append("通报批评")
        if fine is not None:
            content.append(f"罚款人民币{_yuan(fine)}元")
        if confiscated is not None:
            content.append(f"没收违法所得人民币{_yuan(confiscated)}元")
        suspended = ""
        heavy = categories[-1] if months == 36 else ""
        if heavy == "行政拘留":
            content.append(f"行政拘留{rng.choice((3, 5, 7, 10))}日")
        elif heavy:
            content.append(f"{heavy}（{template.licence}）" if template.licence else heavy)
            if template.licence and ("吊销" in heavy or "暂扣" in heavy):
                suspended = f"{template.licence}（编号{rng.randrange(10**11, 10**12)}）"
        publication_end = _add_months(decided, months)
        in_force = LONG_TERM if heavy in ("吊销许可证件", "责令关闭") else publication_end
        record.update(
            {
                "行政处罚决定书文号": self.document_number(department, "罚", decided.year, rng),
                "违法行为类型": template.violation,
                "违法事实": fact,
                "处罚依据": template.basis,
                "处罚类别": rng.choice((";", "、", "；")).join(categories),
                "处罚内容": "，".join(content),
                schemas.FINE: fine if fine is not None else "",
                schemas.CONFISCATED: confiscated if confiscated is not None else "",
                "暂扣或吊销证照名称及编号": suspended,
                "处罚决定日期": decided,
                "处罚有效期": in_force,
                "公示截止期": publication_end,
                "处罚机关": department.name,
                "处罚机关统一社会信用代码": department.uscc,
                "数据来源单位": department.name,
                "数据来源单位统一社会信用代码": department.uscc,
                "备注": rng.choice(("", "", "", "", "依法从轻处罚", "已履行")),
            }
        )
        bad = None
        if bad_reason is not None:
            required = ("行政相对人名称", "行政处罚决定书文号", "处罚决定日期", "处罚机关")
            bad = self._spoil(rng, record, bad_reason, required)
        return Generated(record, bad, categories, department)

    def as_v1(self, generated: Generated, rng: random.Random) -> tuple[Record, Bad | None]:
        """The same penalty in the older v1 layout (codes in 代码_1…代码_5)."""
        record = generated.record
        v1: Record = dict.fromkeys(schemas.PENALTY_V1, "")
        for v2_name, v1_name in schemas.V2_TO_V1.items():
            v1[v1_name] = record[v2_name]
        categories = generated.categories
        v1["处罚名称"] = f"{record['行政相对人名称'] or '当事人'}{record['违法行为类型']}案"
        v1["处罚类别1"] = categories[0]
        v1["处罚类别2"] = categories[1] if len(categories) > 1 else ""
        v1["当前状态"] = rng.choice(("0", "0", "0", ""))
        department = generated.department
        v1["地方编码"] = (
            department.district if department and department.district else self.city.code
        )
        decided = record["处罚决定日期"]
        if isinstance(decided, date):
            stamp = datetime.combine(decided + timedelta(days=rng.randrange(1, 8)), time(9))
            stamp += timedelta(seconds=rng.randrange(9 * 3600))
            v1["数据更新时间戳"] = stamp.strftime("%Y-%m-%d %H:%M:%S")
        bad = generated.bad
        if bad is not None:
            bad = Bad(bad.reason, schemas.V2_TO_V1[bad.field])
        return v1, bad
