"""Routes of the complaint pages (投诉举报), included under facilities/complaints/."""
from django.urls import path

from . import views

urlpatterns = [
    path("", views.complaint_list_view, name="complaint_list"),
    path("new/", views.complaint_create, name="complaint_create"),
    path("region/", views.complaint_region, name="complaint_region"),
    path("<int:complaint_id>/", views.complaint_detail, name="complaint_detail"),
    path("<int:complaint_id>/take/", views.complaint_take_view, name="complaint_take"),
    path("<int:complaint_id>/inspection/new/", views.complaint_inspection_start, name="complaint_inspection_start"),
    path("<int:complaint_id>/inspection/link/", views.complaint_inspection_link, name="complaint_inspection_link"),
    path("<int:complaint_id>/conclude/", views.complaint_conclude_view, name="complaint_conclude"),
]
