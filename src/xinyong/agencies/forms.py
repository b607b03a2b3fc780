"""Forms of the agency pages. They shape input only; the services check it and refuse with
the reason, which the page then shows on the form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xinyong.agencies.models import AgencyFiling, AgencyStatus, BusinessScope
from xinyong.agencies.services import AgencyDetails
from xinyong.agencies.services.common import (
    MAX_ADDRESS,
    MAX_AUTHORITY,
    MAX_LEGAL_REPRESENTATIVE,
    MAX_NAME,
    MAX_NUMBER,
    MAX_TEXT,
)

_DATE = forms.DateInput(attrs={"type": "date"})


class DetailsForm(forms.Form):
    """The details a filing registers and a change may alter."""

    name = forms.CharField(label=_("机构名称"), max_length=MAX_NAME)
    authority = forms.CharField(label=_("备案机关"), max_length=MAX_AUTHORITY)
    address = forms.CharField(label=_("注册地址"), max_length=MAX_ADDRESS)
    legal_representative = forms.CharField(
        label=_("法定代表人"),
        max_length=MAX_LEGAL_REPRESENTATIVE,
        help_text=_("姓名，公示时隐去名字"),
    )
    scopes = forms.MultipleChoiceField(
        label=_("业务范围"), choices=BusinessScope.choices, widget=forms.CheckboxSelectMultiple
    )
    contact_phone = forms.CharField(
        label=_("联系电话"), max_length=20, help_text=_("对外业务联系电话，将公开展示")
    )

    def details(self) -> AgencyDetails:
        data = self.cleaned_data
        return AgencyDetails(
            name=data["name"],
            authority=data["authority"],
            address=data["address"],
            legal_representative=data["legal_representative"],
            scopes=list(data["scopes"]),
            contact_phone=data["contact_phone"],
        )


class FilingForm(DetailsForm):
    """A new filing: the agency's code, then its details, the number and the date."""

    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=30)
    number = forms.CharField(
        label=_("备案编号"),
        max_length=MAX_NUMBER,
        required=False,
        help_text=_("备案机关已编号的照填；留空则由平台按“BA年份序号”编号"),
    )
    filed_on = forms.DateField(
        label=_("备案日期"), required=False, widget=_DATE, help_text=_("留空为今天")
    )

    field_order = ["uscc", "name", "number", "authority", "filed_on"]


class ChangeForm(DetailsForm):
    """A change of the filed details, prefilled with them."""

    changed_on = forms.DateField(
        label=_("变更日期"), required=False, widget=_DATE, help_text=_("留空为今天")
    )
    note = forms.CharField(
        label=_("变更说明"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    @classmethod
    def of(cls, filing: AgencyFiling, **kwargs: Any) -> ChangeForm:
        initial = {
            "name": filing.name,
            "authority": filing.authority,
            "address": filing.address,
            "legal_representative": filing.legal_representative,
            "scopes": filing.scopes,
            "contact_phone": filing.contact_phone,
        }
        return cls(initial=initial, prefix="change", **kwargs)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("注销原因"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("将在公示名单中展示"),
    )
    cancelled_on = forms.DateField(
        label=_("注销日期"), required=False, widget=_DATE, help_text=_("留空为今天")
    )


class StatusFilter(forms.Form):
    """The back-office list's filter by status."""

    status = forms.ChoiceField(
        label=_("状态"), choices=[("", _("全部")), *AgencyStatus.choices], required=False
    )
