from django.urls import path

from xinyong.portal import (
    list_views,
    publicity_views,
    search_views,
    stats_views,
    subject_views,
    views,
)

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", search_views.search, name="search"),
    path("statistics/", stats_views.statistics_page, name="statistics"),
    path("subjects/id/<str:public_id>/", subject_views.subject_by_id, name="subject_by_id"),
    path("subjects/<str:uscc>/", subject_views.subject_by_uscc, name="subject"),
    path("publicity/penalties/", publicity_views.penalties, name="penalties"),
    path("publicity/licences/", publicity_views.licences, name="licences"),
    path("publicity/lists/", list_views.list_types, name="lists"),
    path("publicity/lists/<slug:code>/", list_views.list_type, name="list_type"),
    path("catalogue/", publicity_views.catalogue, name="catalogue"),
]
