from django.urls import path

from . import views
from .ability import views as ability_views
from .custody import views as custody_views
from .imports import views as import_views
from .notices import views as notice_views
from .safety import views as safety_views

urlpatterns = [
    path("", views.person_list_view, name="person_list"),
    path("new/", views.person_create, name="person_create"),
    path("admit/", views.admission_create, name="admission_create"),
    path("admit/check/", views.admission_check_view, name="admission_check"),
    path("import/", import_views.people_import, name="people_import"),
    path("<int:person_id>/", views.person_detail_view, name="person_detail"),
    path("<int:person_id>/photo/", views.person_photo, name="person_photo"),
    path("<int:person_id>/edit/", views.person_edit, name="person_edit"),
    path("<int:person_id>/bank-account/", views.person_bank_account, name="person_bank_account"),
    path("<int:person_id>/admit/", views.person_admit, name="person_admit"),
    path("<int:person_id>/assess/", views.assessment_create, name="assessment_create"),
    path("<int:person_id>/assess/preview/", views.assessment_preview, name="assessment_preview"),
    path("<int:person_id>/ability/", ability_views.ability_assessment_create, name="ability_assessment_create"),
    path("<int:person_id>/ability/<int:assessment_id>/", ability_views.ability_assessment_report,
         name="ability_assessment_report"),
    path("ability/", ability_views.ability_report, name="ability_report"),
    path("<int:person_id>/ltc/", ability_views.ltc_assessment_create, name="ltc_assessment_create"),
    # Resident safety (GB 38600-2019): risk assessments, the register, incidents
    path("<int:person_id>/safety/", safety_views.safety_assessment_create, name="safety_assessment_create"),
    path("<int:person_id>/safety/<int:risk_assessment_id>/", safety_views.safety_assessment_detail,
         name="safety_assessment_detail"),
    path("safety/", safety_views.safety_register, name="safety_register"),
    path("safety/incidents/", safety_views.safety_incidents, name="safety_incidents"),
    path("safety/facilities/<int:facility_id>/incidents/new/", safety_views.safety_incident_create,
         name="safety_incident_create"),
    path("safety/rounds/", safety_views.safety_rounds, name="safety_rounds"),
    path("safety/incidents/<int:incident_id>/", safety_views.safety_incident_detail, name="safety_incident_detail"),
    path("<int:person_id>/change-report/", views.change_report, name="change_report"),
    path("<int:person_id>/status/", views.support_status_create, name="support_status_create"),
    path("<int:person_id>/visit/", views.visit_create, name="visit_create"),
    path("<int:person_id>/agreement/", views.care_agreement_create, name="care_agreement_create"),
    path("stays/<int:stay_id>/transfer/", views.stay_transfer, name="stay_transfer"),
    path("stays/<int:stay_id>/discharge/", views.stay_discharge, name="stay_discharge"),
    path("statuses/<int:status_id>/terminate/", views.support_status_terminate, name="support_status_terminate"),
    # Custody of residents' money and goods (款物代管)
    path("custody/", custody_views.custody_overview_view, name="custody_overview"),
    path("custody/facilities/<int:facility_id>/", custody_views.custody_facility, name="custody_facility"),
    path("custody/facilities/<int:facility_id>/sample/", custody_views.custody_sampling_create, name="custody_sampling_create"),
    path("custody/samples/<int:sample_id>/", custody_views.custody_sample_check, name="custody_sample_check"),
    path("<int:person_id>/custody/", custody_views.custody_ledger, name="custody_ledger"),
    path("<int:person_id>/custody/entries/", custody_views.custody_entry_create, name="custody_entry_create"),
    path("<int:person_id>/custody/statement/", custody_views.custody_statement, name="custody_statement"),
    path("<int:person_id>/custody/<int:entry_id>/reverse/", custody_views.custody_entry_reverse, name="custody_entry_reverse"),
    path("<int:person_id>/custody/<int:entry_id>/confirm/", custody_views.custody_entry_confirm, name="custody_entry_confirm"),
    # Public notices (公示)
    path("notices/", notice_views.notice_list_view, name="notice_list"),
    path("notices/new/", notice_views.notice_create, name="notice_create"),
    path("notices/<int:notice_id>/", notice_views.notice_detail, name="notice_detail"),
    path("notices/<int:notice_id>/print/", notice_views.notice_print, name="notice_print"),
    path("notices/<int:notice_id>/objections/", notice_views.notice_objection_create, name="notice_objection_create"),
    path("notices/<int:notice_id>/objections/<int:objection_id>/", notice_views.notice_objection_result,
         name="notice_objection_result"),
]
