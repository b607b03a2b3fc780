"""Forms of the financing pages: the subject's request, the bank's decision, the statistics
period. They only shape input; the services decide and refuse (with the reason shown)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xinyong.accounts.models import Organisation
from xinyong.financing.models import ReviewStatus
from xinyong.financing.services.common import MAX_PURPOSE, MAX_TEXT


class RequestForm(forms.Form):
    amount = forms.DecimalField(
        label=_("融资金额（万元）"), max_digits=12, decimal_places=2, min_value=0
    )
    term_months = forms.IntegerField(label=_("融资期限（月）"), min_value=1)
    purpose = forms.CharField(
        label=_("资金用途"),
        max_length=MAX_PURPOSE,
        help_text=_("例如：采购原材料、补充流动资金、购置设备"),
    )
    notes = forms.CharField(
        label=_("补充说明"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("可说明经营情况、可提供的担保等；请勿填写个人身份证件号码"),
    )
    banks = forms.TypedMultipleChoiceField(
        label=_("推送给以下银行"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, banks: Sequence[Organisation], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["banks"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = [(bank.pk, bank.name) for bank in banks]


class DecisionForm(forms.Form):
    status = forms.ChoiceField(label=_("办理结果"), widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("说明"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("未通过时填写原因，需补充材料时列明所需材料；将发送给融资主体"),
    )
    loan_amount = forms.DecimalField(
        label=_("放款金额（万元）"), max_digits=12, decimal_places=2, required=False
    )
    loan_rate = forms.DecimalField(
        label=_("年利率（%）"), max_digits=5, decimal_places=2, required=False
    )
    loan_term_months = forms.IntegerField(label=_("贷款期限（月）"), required=False)
    loan_date = forms.DateField(
        label=_("放款日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, statuses: Sequence[str], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(ReviewStatus.choices)
        field = self.fields["status"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(status, labels[status]) for status in statuses]


class PeriodForm(forms.Form):
    since = forms.DateField(
        label=_("发布日期自"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("至"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class StatusFilter(forms.Form):
    status = forms.ChoiceField(
        label=_("办理状态"),
        required=False,
        choices=[("", _("全部")), *ReviewStatus.choices],
    )
