"""The public verification form: a verification code, or a report PDF to check by hash."""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

MAX_PDF_BYTES = 20 * 1024 * 1024
"""The largest file /verify/ accepts: far above any report (a 300-record report is ~1 MB)."""


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("验证码"),
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "spellcheck": "false",
                "placeholder": "K7Q2-9XHM-4TPA-WD3N",
            }
        ),
        help_text=_("报告封面上的 16 位验证码，不区分大小写，短横线可省略"),
    )


class FileForm(forms.Form):
    file = forms.FileField(
        label=_("报告文件（PDF）"),
        help_text=_("上传收到的报告原件，平台按文件的 SHA-256 核对，不保存文件"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if (upload.size or 0) > MAX_PDF_BYTES:
            raise forms.ValidationError(_("文件超过 20 MB，不是本平台出具的报告"))
        return upload
