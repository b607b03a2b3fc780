"""Top-level URL map: public pages under i18n prefixes (Chinese at /, English at /en/)."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from xinyong.api.api import api
from xinyong.portal.views import favicon

urlpatterns: list[URLPattern | URLResolver] = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("favicon.ico", favicon),
]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("office/objections/", include("xinyong.objections.urls_office")),
    path("office/repairs/", include("xinyong.repairs.urls_office")),
    path("office/commitments/", include("xinyong.commitments.urls_office")),
    path("office/agencies/", include("xinyong.agencies.urls_office")),
    path("office/consents/", include("xinyong.consents.urls_office")),
    path("office/financing/", include("xinyong.financing.urls_office")),
    path("office/tipoffs/", include("xinyong.tipoffs.urls_office")),
    path("office/evaluation/", include("xinyong.evaluation.urls_office")),
    path("office/supervision/", include("xinyong.evaluation.urls_supervision")),
    path("office/reports/", include("xinyong.reports.urls_office")),
    path("office/", include("xinyong.office.urls")),
    path("account/objections/", include("xinyong.objections.urls_account")),
    path("account/repairs/", include("xinyong.repairs.urls_account")),
    path("account/commitments/", include("xinyong.commitments.urls_account")),
    path("account/consents/", include("xinyong.consents.urls_account")),
    path("account/financing/", include("xinyong.financing.urls_account")),
    path("account/evaluation/", include("xinyong.evaluation.urls_account")),
    path("account/reports/", include("xinyong.reports.urls_account")),
    path("account/", include("xinyong.rights.urls")),
    path("agencies/", include("xinyong.agencies.urls_public")),
    path("financing/", include("xinyong.financing.urls_public")),
    path("tipoffs/", include("xinyong.tipoffs.urls_public")),
    path("verify/", include("xinyong.reports.urls_public")),
    path("reports/", include("xinyong.reports.urls_portal")),
    path("", include("xinyong.portal.urls")),
    prefix_default_language=False,
)
