"""The subject's grant form: which agency or bank, which catalogue items, why, until when.

The choices are what the services allow (`grantable_organisations`, `grantable_items`); the
form checks shapes only and the service decides again when the grant is made.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinyong.accounts.models import Organisation, OrganisationKind
from xinyong.catalog.models import Disclosure
from xinyong.consents.services import grantable_items, grantable_organisations, one_year_after
from xinyong.consents.services.common import MAX_PURPOSE
from xinyong.subjects.models import Subject

DEFAULT_DAYS = 90
"""The end date the form proposes: long enough for a loan's review."""


class GrantForm(forms.Form):
    organisation = forms.ChoiceField(label=_("被授权机构"))
    items = forms.MultipleChoiceField(
        label=_("授权查询的信息"), widget=forms.CheckboxSelectMultiple
    )
    purpose = forms.CharField(
        label=_("授权用途"),
        max_length=MAX_PURPOSE,
        help_text=_("如“申请流动资金贷款”“信用评级”，机构每次查询都记入您的查询记录"),
    )
    valid_until = forms.DateField(
        label=_("授权截止日期"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, subject: Subject, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.grantees = {org.uscc: org for org in grantable_organisations()}
        kinds = dict(OrganisationKind.choices)
        organisation = self.fields["organisation"]
        assert isinstance(organisation, forms.ChoiceField)
        organisation.choices = [
            ("", str(_("请选择"))),
            *((uscc, f"{org.name}（{kinds[org.kind]}）") for uscc, org in self.grantees.items()),
        ]
        classes = dict(Disclosure.choices)
        items = self.fields["items"]
        assert isinstance(items, forms.MultipleChoiceField)
        items.choices = [
            (item.code, f"{item.name}（{classes[item.disclosure]}）")
            for item in grantable_items(subject)
        ]
        latest = one_year_after(today)
        until = self.fields["valid_until"]
        until.initial = today + datetime.timedelta(days=DEFAULT_DAYS)
        until.help_text = _("自今天起生效，最长一年（最晚 %s），到期自动失效，可随时撤回") % (
            latest.isoformat()
        )
        until.widget.attrs.update(min=today.isoformat(), max=latest.isoformat())

    def chosen_organisation(self) -> Organisation:
        """The organisation chosen (after `is_valid()`)."""
        return self.grantees[self.cleaned_data["organisation"]]
