from django.urls import path

from . import views
from .exports import views as export_views

app_name = "subsidies"

urlpatterns = [
    path("standards/", views.standard_list, name="standard_list"),
    path("standards/new/", views.standard_create, name="standard_create"),
    path("claims/", views.batch_list, name="batch_list"),
    path("claims/generate/", views.generation_create, name="generation_create"),
    path("claims/runs/<int:run_id>/", views.run_detail, name="run_detail"),
    path("claims/<int:batch_id>/", views.batch_detail, name="batch_detail"),
    path("claims/<int:batch_id>/lines/<int:line_id>/basis/", views.line_basis, name="line_basis"),
    path("claims/<int:batch_id>/print/", views.batch_print, name="batch_print"),
    path("claims/<int:batch_id>/submit/", views.batch_submit_view, name="batch_submit"),
    path("claims/<int:batch_id>/approve/", views.batch_approve_view, name="batch_approve"),
    path("claims/<int:batch_id>/return/", views.batch_return_view, name="batch_return"),
    path("claims/<int:batch_id>/paid/", views.batch_mark_paid_view, name="batch_mark_paid"),
    path("claims/<int:batch_id>/export.<str:fmt>", export_views.batch_export, name="batch_export"),
    path("claims/export.<str:fmt>", export_views.batch_list_export, name="batch_list_export"),
    path("claims/export/", export_views.batch_list_export_start, name="batch_list_export_start"),
    path("overview/", views.overview, name="overview"),
    path("overview/print/", views.overview_print, name="overview_print"),
    path("overview/export.<str:fmt>", export_views.overview_export, name="overview_export"),
]
