"""Forms of the commitment pages: the subject's signing form, the office's registration and
steps. They only shape input; the services decide and refuse (with the reason shown)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xinyong.commitments import services
from xinyong.commitments.policy import ACCOUNT, OFFICE
from xinyong.commitments.services.common import (
    MAX_DOC_NO,
    MAX_LEGAL_REP,
    MAX_MATTER,
    MAX_REFERENCE,
    MAX_TEXT,
)


def _text(label: Any, *, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=MAX_TEXT,
        required=required,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _type_choices(channel: str) -> list[tuple[str, str]]:
    return [(t.code, f"{t.name}（{t.title}）") for t in services.policy().types_for(channel)]


class _Matter(forms.Form):
    """The fields both ways of making a commitment share."""

    type_code = forms.ChoiceField(label=_("承诺类型"), widget=forms.RadioSelect)
    matter = forms.CharField(
        label=_("承诺事项"),
        max_length=MAX_MATTER,
        help_text=_("如：食品经营许可（告知承诺制）；依法诚信经营"),
    )
    reference = forms.CharField(
        label=_("关联业务编号"),
        max_length=MAX_REFERENCE,
        required=False,
        help_text=_("如许可申请编号，没有可不填"),
    )
    legal_rep = forms.CharField(
        label=_("法定代表人（负责人）姓名"),
        max_length=MAX_LEGAL_REP,
        required=False,
        help_text=_("法人及非法人组织须填写；个体工商户和自然人不填"),
    )


class SignForm(_Matter):
    """The subject's form: what, to whom; then the text to agree to (`agreed`, and the hash
    of the text shown)."""

    organisation = forms.TypedChoiceField(label=_("承诺受理单位"), coerce=int)
    agreed = forms.BooleanField(
        label=_("我已阅读上述承诺书，代表本主体签署并承诺遵守"), required=False
    )
    text_sha256 = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        type_field: forms.ChoiceField = self.fields["type_code"]  # type: ignore[assignment]
        type_field.choices = _type_choices(ACCOUNT)
        unit_field: forms.TypedChoiceField = self.fields["organisation"]  # type: ignore[assignment]
        units = services.accepting_organisations()
        unit_field.choices = [("", _("请选择")), *((o.pk, o.name) for o in units)]


class RegisterForm(_Matter):
    """A department registers a commitment signed on paper, naming the subject by its code."""

    code = forms.CharField(
        label=_("统一社会信用代码或公民身份号码"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    name = forms.CharField(label=_("主体名称或姓名"), max_length=200)
    signed_on = forms.DateField(
        label=_("承诺日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    checked = forms.BooleanField(
        label=_("已核对主体签章的纸质承诺书，内容与本平台生成的承诺书一致"), required=False
    )
    field_order = ["code", "name", "type_code", "matter", "reference", "legal_rep", "signed_on"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        type_field: forms.ChoiceField = self.fields["type_code"]  # type: ignore[assignment]
        type_field.choices = _type_choices(OFFICE)


class FulfilForm(forms.Form):
    on = forms.DateField(
        label=_("确认履约日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = _text(_("核查意见"), required=False)


class BreachForm(forms.Form):
    doc_no = forms.CharField(label=_("认定文书号"), max_length=MAX_DOC_NO)
    on = forms.DateField(
        label=_("认定日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    facts = _text(_("违背承诺的事实"))


class WithdrawForm(forms.Form):
    reason = _text(_("撤销理由"))


class PeriodForm(forms.Form):
    since = forms.DateField(
        label=_("承诺日期自"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("至"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
