from django.urls import path

from . import views

urlpatterns = [
    path("", views.facility_list_view, name="facility_list"),
    path("new/", views.facility_create, name="facility_create"),
    path("<int:facility_id>/", views.facility_detail, name="facility_detail"),
    path("<int:facility_id>/edit/", views.facility_edit, name="facility_edit"),
]
