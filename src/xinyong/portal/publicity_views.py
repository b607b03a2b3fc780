"""Publicity pages: the latest 行政许可 and 行政处罚 (双公示), and the catalogue explained.

The lists read `records.public.latest_publicity`, so they show exactly what the public rule
allows; the catalogue page turns each item's disclosure class and publication rule, as the
loaded policy states them today, into plain sentences.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from xinyong.accounts.models import OrganisationKind
from xinyong.catalog.models import Disclosure, Polarity
from xinyong.catalog.schema import Item, Period, Rule
from xinyong.catalog.services import PolicyLookupError, PublicationRules, list_items
from xinyong.portal.subject_views import subject_path
from xinyong.records.public import (
    LICENCES,
    PENALTIES,
    PUBLICITY_ITEMS,
    Choice,
    latest_publicity,
    publicity_choices,
)

EARLIEST = datetime.date(1990, 1, 1)


class PublicityFilter(forms.Form):
    """The filters of a publicity list, read from the query string."""

    department = forms.ChoiceField(label=gettext_lazy("决定机关"), required=False)
    district = forms.ChoiceField(label=gettext_lazy("主体所在区"), required=False)
    date_from = forms.DateField(
        label=gettext_lazy("决定日期自"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=gettext_lazy("决定日期至"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(
        self, data: Any, departments: list[Choice], districts: list[Choice], **kwargs: Any
    ) -> None:
        super().__init__(data, **kwargs)
        everyone = [("", _("全部"))]
        self.fields["department"].choices = everyone + [(c.value, c.label) for c in departments]  # type: ignore[attr-defined]
        self.fields["district"].choices = everyone + [(c.value, c.label) for c in districts]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        for key in ("date_from", "date_to"):
            day = cleaned.get(key)
            if day is not None and not EARLIEST <= day <= timezone.localdate():
                self.add_error(key, _("请填写1990年以后、不晚于今天的日期"))
        if start and end and start > end:
            raise forms.ValidationError(_("起始日期晚于截止日期"))
        return cleaned


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isdigit() and len(raw) < 7 else 1


def _publicity(request: HttpRequest, item_code: str, template: str) -> HttpResponse:
    departments, districts = publicity_choices(item_code)
    form = PublicityFilter(request.GET or None, departments, districts)
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
    page = latest_publicity(item_code, page=_page_number(request), **filters)
    query = {k: v.isoformat() if isinstance(v, datetime.date) else v for k, v in filters.items()}
    context = {
        "form": form,
        "page": page,
        "rows": [(row, subject_path(row.subject)) for row in page.rows],
        "query": urlencode(query),
    }
    return render(request, template, context)


def penalties(request: HttpRequest) -> HttpResponse:
    """The latest public 行政处罚 decisions."""
    return _publicity(request, PENALTIES, "portal/publicity_penalties.html")


def licences(request: HttpRequest) -> HttpResponse:
    """The latest public 行政许可 decisions."""
    return _publicity(request, LICENCES, "portal/publicity_licences.html")


# -- the catalogue in plain language ---------------------------------------------------------


@dataclass(frozen=True)
class ItemExplained:
    code: str
    name: str
    description: str
    polarity: str
    polarity_code: str
    public: bool
    disclosure: str
    sources: str
    legal_basis: tuple[str, ...]
    rules: tuple[str, ...]


def period_text(period: Period) -> str:
    """`1年3个月` / `1 year 3 months`, in the reader's language."""
    parts = []
    if period.years:
        parts.append(ngettext("%(n)d年", "%(n)d年", period.years) % {"n": period.years})
    if period.months:
        parts.append(ngettext("%(n)d个月", "%(n)d个月", period.months) % {"n": period.months})
    if period.days:
        parts.append(ngettext("%(n)d日", "%(n)d日", period.days) % {"n": period.days})
    text = parts[0] if parts else ""
    for part in parts[1:]:
        text = _("%(first)s%(then)s") % {"first": text, "then": part}
    return text


def rule_text(rule: Rule, until_field: str = "") -> str:
    """One publication rule as a sentence: published or not, for how long (counted from the
    decision date, or until the date a record field holds), when repair may be applied for."""
    if not rule.published:
        return _("不向社会公示")
    if until_field:
        text = _("自决定之日起公示，至“%(field)s”所载日期为止") % {"field": until_field}
        if rule.ends_after is not None:
            text += _("，最长%(period)s") % {"period": period_text(rule.ends_after)}
    elif rule.ends_after is None:
        text = _("自决定之日起公示，不自动停止")
    else:
        text = _("自决定之日起公示%(period)s，期满自动停止公示") % {
            "period": period_text(rule.ends_after)
        }
    if rule.repair_after is not None:
        text += _("；公示满%(period)s后可申请信用修复") % {"period": period_text(rule.repair_after)}
    return text


def _rules(item: Item, rules: PublicationRules, today: datetime.date) -> tuple[str, ...]:
    publication = item.publication
    if publication.rule is not None:  # fixed, or until a date field
        field = next((f.name for f in item.fields if f.key == publication.field), "")
        return (rule_text(publication.rule, field),)
    try:
        rule_set = rules.rule_set_for(today)
    except PolicyLookupError:
        return (_("现行公示规则尚未载入"),)
    lines = []
    for severity in publication.severities:
        rule = publication.overrides.get(severity) or rule_set.rules.get(severity)
        if rule is None:
            continue
        name = rules.severities[severity].name if severity in rules.severities else severity
        lines.append(_("%(severity)s：%(rule)s") % {"severity": name, "rule": rule_text(rule)})
    return tuple(lines)


_DISCLOSURE_TEXT = {
    Disclosure.PUBLIC: gettext_lazy("向社会公开：任何人都可以在本网站查看"),
    Disclosure.AUTHORISED: gettext_lazy("授权查询：不在本网站公开，经信用主体授权的机构方可查询"),
    Disclosure.GOVERNMENT: gettext_lazy("政务共享：不向社会公开，仅在政府部门之间依法共享"),
}


def explained_catalogue() -> list[ItemExplained]:
    """Every current catalogue item with its disclosure and publication rule in words: the
    双公示 items first, then the other public items, then those not published."""
    today = timezone.localdate()
    try:
        rules = PublicationRules.current()
    except PolicyLookupError:
        return []
    polarity_labels = dict(Polarity.choices)
    kind_labels = dict(OrganisationKind.choices)
    explained = []
    for summary in list_items():
        item = rules.item(summary.code)
        public = Disclosure(item.disclosure) is Disclosure.PUBLIC
        explained.append(
            ItemExplained(
                code=item.code,
                name=item.name,
                description=item.description,
                polarity=str(polarity_labels.get(item.polarity, item.polarity)),
                polarity_code=item.polarity,
                public=public,
                disclosure=str(_DISCLOSURE_TEXT[Disclosure(item.disclosure)]),
                sources="、".join(
                    [d.short_name or d.name for d in summary.source_departments]
                    or [str(kind_labels.get(k, k)) for k in summary.source_kinds]
                ),
                legal_basis=tuple(
                    f"《{b.title}》{b.article}" if b.article else f"《{b.title}》"
                    for b in item.legal_basis
                ),
                rules=_rules(item, rules, today) if public else (),
            )
        )
    first = {code: index for index, code in enumerate(PUBLICITY_ITEMS)}
    explained.sort(key=lambda e: (not e.public, first.get(e.code, len(first)), e.code))
    return explained


def catalogue(request: HttpRequest) -> HttpResponse:
    """Each catalogue item and how long, and whether, its records are published."""
    return render(request, "portal/catalogue.html", {"items": explained_catalogue()})
