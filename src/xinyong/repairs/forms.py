"""Forms of the repair pages: the subject's application and completion, and the office's
steps. They only shape input; the services decide and refuse (with the reason shown)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from xinyong.repairs.services.common import MAX_DOC_NO, MAX_TEXT
from xinyong.rights.files import MAX_FILES


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ProofFilesField(forms.FileField):
    """Several files in one input; what they are is checked when they are kept."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(ProofFilesField, self).clean(item, initial) for item in files]


PROOF_HELP = format_lazy(_("PDF、PNG 或 JPEG，每个不超过 10 MB，最多 {n} 个"), n=MAX_FILES)


class ApplyForm(forms.Form):
    performance = forms.CharField(
        label=_("履行义务及整改情况"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("说明如何履行了处罚决定或列入决定确定的义务，以及整改的结果"),
    )
    proof = ProofFilesField(label=_("证明材料"), required=False, help_text=PROOF_HELP)
    signer_name = forms.CharField(
        label=_("签署人姓名"), max_length=50, help_text=_("法定代表人、负责人或本人")
    )
    signed = forms.BooleanField(
        label=_("我已阅读上述信用修复承诺书，代表本主体签署并承诺遵守"), required=False
    )


class ResubmitForm(forms.Form):
    performance = forms.CharField(
        label=_("履行义务及整改情况"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 6})
    )
    proof = ProofFilesField(label=_("补充证明材料"), required=False, help_text=PROOF_HELP)


def _text(label: Any, *, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=MAX_TEXT,
        required=required,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ForwardForm(forms.Form):
    note = _text(_("核对意见"), required=False)


class ReturnForm(forms.Form):
    reason = _text(_("需补正的内容"))


class AcceptForm(forms.Form):
    pass


class NotAcceptForm(forms.Form):
    reason = _text(_("不予受理理由"))


class ExtendForm(forms.Form):
    working_days = forms.IntegerField(label=_("延长工作日数"), min_value=1, max_value=60)
    reason = _text(_("延长理由"))


class ApproveForm(forms.Form):
    decision_no = forms.CharField(label=_("决定书文号"), max_length=MAX_DOC_NO)
    opinion = _text(_("审查意见"))


class DenyForm(forms.Form):
    decision_no = forms.CharField(label=_("决定书文号"), max_length=MAX_DOC_NO)
    reason = _text(_("不予修复理由"))


class PeriodForm(forms.Form):
    since = forms.DateField(
        label=_("提交日期自"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("至"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
