"""Forms of the listing procedure pages: the filters of the entry list, a new notice, a
direct listing, and one form per step an entry's state allows.

The forms check shape (required, dates, lengths, a valid and known USCC); the lists
services check the law (who decides, order of steps, deadlines, minimum times) and their
refusals are shown on the same form.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinyong.accounts.models import Organisation
from xinyong.catalog.models import ListType
from xinyong.core.identifiers import IdKind, check
from xinyong.core.privacy import mask_in_text
from xinyong.lists.models import EntryState, RemovalKind
from xinyong.lists.services import Decision, Notice
from xinyong.subjects.models import Subject
from xinyong.subjects.services import find_subject

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

TEXT_ROWS = 3
MAX_TEXT = 4000
MAX_DOC_NO = 100
PROCEDURE = "procedure"


class MaskedTextInput(forms.TextInput):
    """A text input that never sends an ID number back in clear when the form is shown
    again with errors: a code typed is personal data if it may be a person's. A valid
    USCC, which an all-digit one can look like, is shown as typed."""

    def format_value(self, value: Any) -> str | None:
        shown = super().format_value(value)
        if not shown or check(shown, IdKind.USCC).valid:
            return shown
        return mask_in_text(shown)


def _date_field(label: StrOrPromise, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        **kwargs,
    )


def _text(
    label: StrOrPromise, *, required: bool = True, help_text: StrOrPromise = ""
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=MAX_TEXT,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": TEXT_ROWS}),
    )


def _doc_no(label: StrOrPromise, *, required: bool = True) -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=MAX_DOC_NO)


def decided_list_types(organisation: Organisation | None, *, with_notice: bool) -> list[ListType]:
    """The current procedure list types `organisation` decides (its sector or itself named,
    the rule `lists.services` enforces), those taking a prior notice or those that do not."""
    if organisation is None:
        return []
    rows = ListType.objects.filter(is_active=True, source=PROCEDURE).prefetch_related(
        "deciding_departments"
    )
    return [
        row
        for row in rows.order_by("kind", "code")
        if (row.notice_working_days is not None) == with_notice
        and (
            organisation.sector in row.deciding_sectors
            or any(org.pk == organisation.pk for org in row.deciding_departments.all())
        )
    ]


class _SubjectAndListType(forms.Form):
    """A subject by its USCC and a list type the department decides."""

    subject = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=64,
        widget=MaskedTextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    list_type = forms.ChoiceField(label=_("名单类型"))

    def __init__(self, list_types: list[ListType], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["list_type"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(row.code, row.name) for row in list_types]

    def clean_subject(self) -> Subject:
        verdict = check(self.cleaned_data["subject"], IdKind.USCC)
        if not verdict.valid:
            raise forms.ValidationError(
                _("统一社会信用代码无效：%(reason)s") % {"reason": verdict.message},
                code="invalid_uscc",
            )
        subject = find_subject(verdict.normalised)
        if subject is None:
            raise forms.ValidationError(
                _("平台未登记该统一社会信用代码的主体"), code="unknown_subject"
            )
        return subject


class NoticeForm(_SubjectAndListType):
    """A prior notice (告知书) to a subject of a list the department decides."""

    notice_no = _doc_no(_("告知书文号"), required=False)
    served_on = _date_field(_("告知送达日期"), initial=timezone.localdate)
    grounds = _text(_("拟列入事由"))
    basis = _text(_("拟列入依据"))

    def notice(self) -> Notice:
        data = self.cleaned_data
        return Notice(
            grounds=data["grounds"],
            basis=data["basis"],
            served_on=data["served_on"],
            notice_no=data["notice_no"],
        )


class DecisionForm(forms.Form):
    """A listing decision (列入决定书): facts, reasons, basis, remedies, removal conditions."""

    doc_no = _doc_no(_("决定书文号"))
    decision_date = _date_field(_("决定日期"), initial=timezone.localdate)
    facts = _text(_("事实"))
    reasons = _text(_("理由"))
    basis = _text(_("依据"))
    remedies = _text(_("救济途径"))
    removal_conditions = _text(
        _("移出条件"), required=False, help_text=_("留空则采用名单类型规定的提前移出条件或期满日期")
    )

    def decision(self) -> Decision:
        return decision_from(self.cleaned_data)


def decision_from(data: dict[str, Any]) -> Decision:
    """The decision a valid `DecisionForm` (or `DirectForm`) holds."""
    return Decision(
        doc_no=data["doc_no"],
        decision_date=data["decision_date"],
        facts=data["facts"],
        reasons=data["reasons"],
        basis=data["basis"],
        remedies=data["remedies"],
        removal_conditions=data["removal_conditions"],
    )


class DirectForm(_SubjectAndListType, DecisionForm):
    """A listing decided without prior notice (an incentive list)."""


class StatementForm(forms.Form):
    statement = _text(_("陈述申辩意见"))
    received_on = _date_field(_("收到日期"), initial=timezone.localdate)


class DropForm(forms.Form):
    reason = _text(_("不予列入理由"))
    on = _date_field(_("决定日期"), initial=timezone.localdate)


class PublishForm(forms.Form):
    published_on = _date_field(_("公布日期"), initial=timezone.localdate)


class RemoveEarlyForm(forms.Form):
    reference = _doc_no(_("批准提前移出的文号"))
    approved_on = _date_field(_("批准日期"), initial=timezone.localdate)
    note = _text(_("说明"), required=False)


class RemoveOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("移出原因"),
        choices=[
            (RemovalKind.REPAIR.value, RemovalKind.REPAIR.label),
            (RemovalKind.OBJECTION.value, RemovalKind.OBJECTION.label),
        ],
    )
    reference = _doc_no(_("修复或异议处理决定文号"))
    decided_on = _date_field(_("决定日期"), initial=timezone.localdate)
    note = _text(_("说明"), required=False)


class EntryFilterForm(forms.Form):
    """The entry list's filters; an unknown value is an error, never silently ignored."""

    state = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *EntryState.choices]
    )
    list_type = forms.ChoiceField(label=_("名单类型"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["list_type"]
        assert isinstance(field, forms.ChoiceField)
        rows = ListType.objects.order_by("kind", "code").values_list("code", "name")
        field.choices = [("", _("全部名单")), *rows]
