"""Forms of the check pages: one check, the feedback on a check's measures, a batch
comparison upload and the period of the closed-loop statistics.

Shape only; `xinyong.checks.services` decides what a check answers and whether feedback
is complete, and its refusals are shown on the same form.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinyong.catalog.services import PolicyLookupError, measure_policy
from xinyong.checks.models import Outcome
from xinyong.checks.services import MeasureOutcome
from xinyong.checks.services.batch import MAX_ROWS
from xinyong.office.list_forms import MaskedTextInput
from xinyong.records.ingest.readers import MAX_FILE_BYTES

BATCH_SUFFIXES = (".csv", ".xlsx", ".xls")
MAX_MATTER = 200
MAX_REASON = 500


def scenario_choices() -> list[tuple[str, str]]:
    """The business scenarios of the policy in force, by their stable codes."""
    try:
        scenarios = measure_policy().scenarios
    except PolicyLookupError:
        return []
    return [(code, f"{entry.name}（{code}）") for code, entry in scenarios.items()]


class _Scenario(forms.Form):
    scenario = forms.ChoiceField(label=_("业务场景"))
    matter = forms.CharField(
        label=_("业务事项"),
        max_length=MAX_MATTER,
        help_text=_("办理的业务名称和文号，写入核查记录，如“津财采〔2026〕8号 供应商资格审查”"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["scenario"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = scenario_choices()


class CheckForm(_Scenario):
    """One check before acting (应查必查)."""

    subject = forms.CharField(
        label=_("主体代码"),
        max_length=64,
        help_text=_("统一社会信用代码、组织机构代码、工商注册号或公民身份号码"),
        widget=MaskedTextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    field_order = ["subject", "scenario", "matter"]


class BatchForm(_Scenario):
    """A batch comparison (批量比对): a file of codes or names and the scenario."""

    file = forms.FileField(
        label=_("文件"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(BATCH_SUFFIXES)}),
    )
    field_order = ["file", "scenario", "matter"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "CSV（UTF-8 或 GB18030）、XLSX 或 XLS，一列统一社会信用代码或名称，"
            "表头如“统一社会信用代码”或“企业名称”；最多 %(rows)d 行"
        ) % {"rows": MAX_ROWS}

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith(BATCH_SUFFIXES):
            raise forms.ValidationError(_("只接受 CSV、XLSX 或 XLS 文件"), code="file_type")
        if upload.size is not None and upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("文件过大：不能超过 %(size)s") % {"size": filesizeformat(MAX_FILE_BYTES)},
                code="too_large",
            )
        return upload


class FeedbackForm(forms.Form):
    """What was done about each measure a check named: one outcome each, and the reason
    for a measure not applied or not applicable."""

    def __init__(self, codes: list[str], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.codes = codes
        for code in codes:
            self.fields[f"outcome_{code}"] = forms.ChoiceField(
                label=_("实施情况"), choices=Outcome.choices, widget=forms.RadioSelect
            )
            self.fields[f"reason_{code}"] = forms.CharField(
                label=_("理由"),
                required=False,
                max_length=MAX_REASON,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for code in self.codes:
            outcome = data.get(f"outcome_{code}")
            if (
                outcome
                and outcome != Outcome.APPLIED
                and not data.get(f"reason_{code}", "").strip()
            ):
                self.add_error(
                    f"reason_{code}",
                    forms.ValidationError(
                        _("未采取措施或不适用的，须说明理由"), code="reason_required"
                    ),
                )
        return data

    def rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        """(measure code, its outcome field, its reason field), for the template."""
        return [(c, self[f"outcome_{c}"], self[f"reason_{c}"]) for c in self.codes]

    def outcomes(self) -> list[MeasureOutcome]:
        data = self.cleaned_data
        return [
            MeasureOutcome(c, Outcome(data[f"outcome_{c}"]), data[f"reason_{c}"])
            for c in self.codes
        ]


class LoopFilterForm(forms.Form):
    """The period of the closed-loop statistics: checks made on or after a day."""

    since = forms.DateField(
        label=_("统计起始日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean_since(self) -> Any:
        since = self.cleaned_data["since"]
        if since is not None and since > timezone.localdate():
            raise forms.ValidationError(_("起始日期不能晚于今天"), code="future")
        return since
