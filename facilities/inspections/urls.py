"""Routes of the inspection pages, included under facilities/inspections/."""
from django.urls import path

from . import views

urlpatterns = [
    path("", views.inspection_list_view, name="inspection_list"),
    path("new/", views.inspection_create, name="inspection_create"),
    path("region/", views.inspection_region, name="inspection_region"),
    path("<int:inspection_id>/", views.inspection_detail, name="inspection_detail"),
    path("<int:inspection_id>/checklist/", views.inspection_checklist_view, name="inspection_checklist"),
    path("<int:inspection_id>/print/", views.inspection_print, name="inspection_print"),
    path("<int:inspection_id>/findings/", views.finding_create, name="finding_create"),
    path("<int:inspection_id>/follow-ups/", views.follow_up_create, name="follow_up_create"),
    path("<int:inspection_id>/close/", views.inspection_close_view, name="inspection_close"),
    path("findings/<int:finding_id>/rectify/", views.finding_rectify, name="finding_rectify"),
    path("findings/<int:finding_id>/verify/", views.finding_verify, name="finding_verify"),
    path("findings/<int:finding_id>/return/", views.finding_return, name="finding_return"),
    path("findings/<int:finding_id>/evidence/", views.finding_evidence, name="finding_evidence"),
]
