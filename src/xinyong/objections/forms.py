"""Forms of the objection pages: the subject's objection, the department's answer, and the
correction of a record's fields (built from its catalogue item).

The forms check shapes only; the services decide (whose record, which state, which fields may
change) and the ingestion pipeline validates corrected values as it validates any row.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.http import QueryDict
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from xinyong.catalog.schema import FieldSpec
from xinyong.objections.models import RECORD_GROUNDS, ObjectionState
from xinyong.objections.services.common import MAX_REFERENCE, MAX_TEXT
from xinyong.rights.files import MAX_BYTES, MAX_FILES

LONG_TEXT = 200
"""Text fields longer than this get a text area."""


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the list of those chosen (maybe empty)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files if f]


class ObjectionForm(forms.Form):
    ground = forms.ChoiceField(
        label=_("异议事项"),
        choices=[(ground.value, ground.label) for ground in RECORD_GROUNDS],
        widget=forms.RadioSelect,
    )
    repair_reference = forms.CharField(
        label=_("信用修复案号"),
        max_length=MAX_REFERENCE,
        required=False,
        help_text=_("对信用修复结果提出异议时填写"),
    )
    reason = forms.CharField(
        label=_("异议理由"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("请说明哪些内容有误、正确的内容是什么，以及依据"),
    )
    attachments = MultipleFileField(
        label=_("证明材料"),
        required=False,
        help_text=format_lazy(
            _("PDF、PNG 或 JPEG，每个不超过 {mb} MB，最多 {n} 个"),
            mb=MAX_BYTES // (1024 * 1024),
            n=MAX_FILES,
        ),
    )

    def clean_attachments(self) -> list[UploadedFile]:
        files: list[UploadedFile] = self.cleaned_data["attachments"]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(_("最多上传 %d 个证明材料") % MAX_FILES)
        return files


class GradeObjectionForm(forms.Form):
    """An objection to a grade: the reasons and the evidence (the score is the current one)."""

    reason = forms.CharField(
        label=_("异议理由"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("请说明评价结果哪里有误（如所依据的信息不准确、已修复或不应计入），以及依据"),
    )
    attachments = MultipleFileField(
        label=_("证明材料"),
        required=False,
        help_text=format_lazy(
            _("PDF、PNG 或 JPEG，每个不超过 {mb} MB，最多 {n} 个"),
            mb=MAX_BYTES // (1024 * 1024),
            n=MAX_FILES,
        ),
    )


class GradeAnswerForm(forms.Form):
    """The credit office's answer to an objection to a grade."""

    outcome = forms.ChoiceField(
        label=_("处理结果"),
        choices=[
            (ObjectionState.UPHELD.value, _("维持：评价结果无误")),
            (ObjectionState.REEVALUATED.value, _("重新评价：按最新信息对该主体重新评价")),
        ],
        widget=forms.RadioSelect,
    )
    reply = forms.CharField(
        label=_("答复意见"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("复核的事实和处理的理由，写入答复书"),
    )


class AnswerForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("处理结果"),
        choices=[
            (ObjectionState.CORRECTED.value, _("更正：按下方内容生成记录的新版本")),
            (ObjectionState.WITHDRAWN.value, _("撤销记录：该信息不应归集")),
            (ObjectionState.UPHELD.value, _("维持：信息准确无误")),
        ],
        widget=forms.RadioSelect,
    )
    reply = forms.CharField(
        label=_("答复意见"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("核查的事实和处理的理由，写入答复书"),
    )


def _field(spec: FieldSpec, subject_kind: str) -> forms.Field:
    label = f"{spec.name}（{spec.unit}）" if spec.unit else spec.name
    required = spec.required or subject_kind in spec.required_for
    common: dict[str, Any] = {"label": label, "required": required}
    if spec.type == "enum" and spec.multiple:
        choices = [(v, v) for v in spec.values]
        return forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, **common
        )
    if spec.type == "enum":
        return forms.ChoiceField(choices=[("", "—"), *((v, v) for v in spec.values)], **common)
    if spec.type == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if spec.type == "text" and (spec.max_length or 0) > LONG_TEXT:
        return forms.CharField(
            max_length=spec.max_length, widget=forms.Textarea(attrs={"rows": 3}), **common
        )
    return forms.CharField(max_length=spec.max_length, **common)


class CorrectionForm(forms.Form):
    """The record's editable fields, prefilled with its current version; a field is required
    when the catalogue requires it of the record's kind of subject."""

    def __init__(
        self,
        fields: list[FieldSpec],
        subject_kind: str,
        data: QueryDict | None = None,
        *,
        initial: dict[str, Any],
    ) -> None:
        super().__init__(data, initial=initial, prefix="correction")
        for spec in fields:
            self.fields[spec.key] = _field(spec, subject_kind)

    def corrected_values(self) -> dict[str, str | list[str] | None]:
        """The cleaned values as the pipeline reads them (an empty field clears the value)."""
        values: dict[str, str | list[str] | None] = {}
        for key, value in self.cleaned_data.items():
            if isinstance(value, datetime.date):
                values[key] = value.isoformat()
            elif isinstance(value, list):
                values[key] = [str(v) for v in value]
            else:
                values[key] = str(value) if value not in (None, "") else None
        return values


class StateFilter(forms.Form):
    """The department queue's filter by state."""

    state = forms.ChoiceField(
        label=_("状态"), choices=[("", _("全部")), *ObjectionState.choices], required=False
    )


class PeriodForm(forms.Form):
    """The statistics' period: objections filed from `since` to `until`."""

    since = forms.DateField(
        label=_("提出日期自"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("至"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
