from django.urls import path

from . import import_views, views

urlpatterns = [
    path("", views.person_list_view, name="person_list"),
    path("new/", views.person_create, name="person_create"),
    path("admit/", views.admission_create, name="admission_create"),
    path("import/", import_views.people_import, name="people_import"),
    path("<int:person_id>/", views.person_detail_view, name="person_detail"),
    path("<int:person_id>/photo/", views.person_photo, name="person_photo"),
    path("<int:person_id>/edit/", views.person_edit, name="person_edit"),
    path("<int:person_id>/admit/", views.person_admit, name="person_admit"),
    path("<int:person_id>/assess/", views.assessment_create, name="assessment_create"),
    path("<int:person_id>/assess/preview/", views.assessment_preview, name="assessment_preview"),
    path("<int:person_id>/change-report/", views.change_report, name="change_report"),
    path("<int:person_id>/status/", views.support_status_create, name="support_status_create"),
    path("<int:person_id>/visit/", views.visit_create, name="visit_create"),
    path("<int:person_id>/agreement/", views.care_agreement_create, name="care_agreement_create"),
    path("stays/<int:stay_id>/transfer/", views.stay_transfer, name="stay_transfer"),
    path("stays/<int:stay_id>/discharge/", views.stay_discharge, name="stay_discharge"),
    path("statuses/<int:status_id>/terminate/", views.support_status_terminate, name="support_status_terminate"),
]
