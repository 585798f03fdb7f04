from django.urls import include, path

from . import views
from .ratings import views as rating_views

urlpatterns = [
    path("", views.facility_list_view, name="facility_list"),
    path("new/", views.facility_create, name="facility_create"),
    path("options/", views.facility_options, name="facility_options"),
    path("<int:facility_id>/", views.facility_detail, name="facility_detail"),
    path("<int:facility_id>/edit/", views.facility_edit, name="facility_edit"),
    path("<int:facility_id>/ratings/", rating_views.rating_panel, name="rating_panel"),
    path("<int:facility_id>/ratings/new/", rating_views.rating_create, name="rating_create"),
    path("<int:facility_id>/ratings/preview/", rating_views.rating_preview, name="rating_preview"),
    path("ratings/<int:rating_id>/report/", rating_views.rating_report, name="rating_report"),
    path("ratings/<int:rating_id>/correct/", rating_views.rating_correct_view, name="rating_correct"),
    path("ratings/<int:rating_id>/withdraw/", rating_views.rating_withdraw_view, name="rating_withdraw"),
    path("inspections/", include("facilities.inspections.urls")),
    path("complaints/", include("facilities.complaints.urls")),
    path("calendar/", include("facilities.working_days.urls")),
]
