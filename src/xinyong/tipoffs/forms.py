"""Forms of the tip-off pages: the public report, the receipt-code lookup, and the back
office's routing, note, closing, reward and filter forms.

The forms check shapes only; the services decide and refuse (the reason is shown on the form).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from xinyong.accounts.models import Organisation
from xinyong.objections.forms import MultipleFileField
from xinyong.rights.files import MAX_BYTES
from xinyong.tipoffs.models import Outcome, ReportedKind, TipOffState
from xinyong.tipoffs.services import (
    MAX_ATTACHMENTS,
    MAX_FACTS,
    MAX_NAME,
    MAX_TEXT,
    Report,
    RoutingChoices,
)

_TEXT_AREA = {"rows": 8}


class TipOffForm(forms.Form):
    """The public report. `categories` are the policy's (code, name) pairs."""

    category = forms.ChoiceField(label=_("举报类别"))
    reported_kind = forms.ChoiceField(
        label=_("被举报对象类型"),
        choices=ReportedKind.choices,
        widget=forms.RadioSelect,
        initial=ReportedKind.ORGANISATION,
    )
    reported_name = forms.CharField(
        label=_("被举报对象名称"),
        max_length=MAX_NAME,
        help_text=_("企业、组织或个体工商户的名称；举报自然人只填写姓名，不填写证件号码"),
    )
    reported_code = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=30,
        required=False,
        help_text=_("企业、组织或个体工商户的代码（选填）；平台据此关联到该主体"),
    )
    facts = forms.CharField(
        label=_("举报事实"),
        max_length=MAX_FACTS,
        widget=forms.Textarea(attrs=_TEXT_AREA),
        help_text=format_lazy(
            _(
                "时间、地点、经过和涉及的金额等，最多 {n} 字。"
                "事实和附件由信用办和承办部门阅读，请勿在其中填写您本人的联系方式"
            ),
            n=MAX_FACTS,
        ),
    )
    attachments = MultipleFileField(
        label=_("证据材料"),
        required=False,
        help_text=format_lazy(
            _("PDF、PNG 或 JPEG，每个不超过 {mb} MB，最多 {n} 个（选填）"),
            mb=MAX_BYTES // (1024 * 1024),
            n=MAX_ATTACHMENTS,
        ),
    )
    anonymous = forms.BooleanField(
        label=_("匿名举报（不留联系方式）"),
        required=False,
        initial=True,
        help_text=_(
            "匿名举报同样受理；但承办部门无法向您核实情况，查证属实的奖励须凭回执码线下领取"
        ),
    )
    contact_name = forms.CharField(label=_("您的姓名"), max_length=MAX_NAME, required=False)
    contact_mobile = forms.CharField(
        label=_("联系电话"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    contact_email = forms.EmailField(label=_("电子邮箱"), max_length=254, required=False)

    def __init__(self, categories: list[tuple[str, str]], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        category = self.fields["category"]
        assert isinstance(category, forms.ChoiceField)
        category.choices = [("", "—"), *categories]

    def clean_attachments(self) -> list[Any]:
        files: list[Any] = self.cleaned_data["attachments"]
        if len(files) > MAX_ATTACHMENTS:
            raise forms.ValidationError(_("最多上传 %d 个附件") % MAX_ATTACHMENTS)
        return files

    def report(self) -> Report:
        data = self.cleaned_data
        return Report(
            category=data["category"],
            reported_kind=data["reported_kind"],
            reported_name=data["reported_name"],
            reported_code=data["reported_code"],
            facts=data["facts"],
            anonymous=data["anonymous"],
            contact_name=data["contact_name"],
            contact_mobile=data["contact_mobile"],
            contact_email=data["contact_email"],
        )


class ReceiptForm(forms.Form):
    code = forms.CharField(
        label=_("回执码"),
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("提交举报时显示的 20 位回执码，可含短横线"),
    )


def _organisation_label(organisation: Organisation) -> str:
    return organisation.short_name or organisation.name


class RouteForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("承办部门"), queryset=Organisation.objects.none(), empty_label="—"
    )
    note = forms.CharField(
        label=_("转办说明"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("转办理由和办理要求，承办部门可见"),
    )

    def __init__(self, choices: RoutingChoices, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["department"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organisation.objects.filter(
            pk__in=[o.pk for o in (*choices.suggested, *choices.others)]
        )
        groups: list[tuple[Any, Any]] = [("", "—")]
        if choices.suggested:
            groups.append(
                (_("建议承办部门"), [(o.pk, _organisation_label(o)) for o in choices.suggested])
            )
        groups.append((_("其他部门"), [(o.pk, _organisation_label(o)) for o in choices.others]))
        field.choices = groups


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("调查记录"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("核查的步骤和发现；信用办可见，请勿写入举报人信息"),
    )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("办理结果"), choices=Outcome.choices, widget=forms.RadioSelect
    )
    summary = forms.CharField(
        label=_("办理情况"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("举报人凭回执码可以看到这段文字：写明查处结果，不要写入举报人信息"),
    )


class RewardForm(forms.Form):
    amount = forms.DecimalField(
        label=_("奖励金额（元）"), max_digits=12, decimal_places=2, min_value=0
    )
    decided_on = forms.DateField(
        label=_("奖励决定日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    decided_by = forms.CharField(label=_("奖励决定机关"), max_length=MAX_NAME)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"decided_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class StateFilter(forms.Form):
    state = forms.ChoiceField(
        label=_("状态"), choices=[("", _("全部")), *TipOffState.choices], required=False
    )


class PeriodForm(forms.Form):
    since = forms.DateField(
        label=_("举报日期自"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("至"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
