"""Financing in the Django admin, read-only and restricted: requests, reviews and decisions
change only through `xinyong.financing.services`, which grant and revoke the consents and
audit each step. Subjects appear by their public id, never by a code."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from xinyong.financing.models import BankReview, FinancingRequest, ReviewDecision
from xinyong.records.admin import ReadOnlyAdmin


@admin.register(FinancingRequest)
class FinancingRequestAdmin(ReadOnlyAdmin):
    list_display = (
        "shown_number",
        "subject_id_shown",
        "amount",
        "term_months",
        "state",
        "published_on",
        "valid_until",
    )
    list_filter = ("state",)
    list_select_related = ("subject",)
    search_fields = ("=public_id", "=subject__public_id")
    date_hierarchy = "published_at"
    fields = (
        "public_id",
        "subject_id_shown",
        "amount",
        "term_months",
        "purpose",
        "notes",
        "item_codes",
        "state",
        "published_at",
        "valid_until",
        "withdrawn_at",
    )

    @admin.display(description=_("需求编号"), ordering="pk")
    def shown_number(self, obj: FinancingRequest) -> str:
        return obj.number

    @admin.display(description=_("融资主体"))
    def subject_id_shown(self, obj: FinancingRequest) -> str:
        return obj.subject.public_id


@admin.register(BankReview)
class BankReviewAdmin(ReadOnlyAdmin):
    list_display = ("request", "organisation", "status", "consent", "updated_at")
    list_filter = ("status", "organisation")
    list_select_related = ("request", "organisation", "consent")
    search_fields = ("=request__public_id",)
    fields = ("request", "organisation", "consent", "status", "updated_at")


@admin.register(ReviewDecision)
class ReviewDecisionAdmin(ReadOnlyAdmin):
    list_display = ("review", "status", "loan_amount", "loan_rate", "loan_date", "decided_at")
    list_filter = ("status",)
    list_select_related = ("review", "review__request")
    fields = (
        "review",
        "status",
        "note",
        "loan_amount",
        "loan_rate",
        "loan_term_months",
        "loan_date",
        "decided_at",
        "decided_by",
    )
