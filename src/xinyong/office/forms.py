"""The upload form: a catalogue item the organisation may submit, and one file."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from xinyong.accounts.models import Organisation
from xinyong.catalog.services import CatalogItemSummary, list_items
from xinyong.records.ingest.readers import MAX_FILE_BYTES

ACCEPTED_SUFFIXES = (".csv", ".xlsx", ".xls", ".json", ".jsonl")


def submittable_items(organisation: Organisation) -> list[CatalogItemSummary]:
    """Current catalogue items that name the organisation, or its kind, as a source (the
    rule `records.services` enforces on submission)."""
    return [
        item
        for item in list_items()
        if organisation.kind in item.source_kinds
        or any(source.uscc == organisation.uscc for source in item.source_departments)
    ]


class UploadForm(forms.Form):
    item = forms.ChoiceField(label=_("目录项"))
    file = forms.FileField(
        label=_("文件"),
        help_text=_("CSV（UTF-8 或 GB18030）、XLSX、XLS、JSON 或 JSON Lines，按表头名称识别各列"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED_SUFFIXES)}),
    )

    def __init__(self, organisation: Organisation, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        items = submittable_items(organisation)
        field = self.fields["item"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(item.code, f"{item.name}（{item.code}）") for item in items]

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if upload.size is not None and upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("文件过大：不能超过 %(size)s") % {"size": filesizeformat(MAX_FILE_BYTES)},
                code="too_large",
            )
        return upload
