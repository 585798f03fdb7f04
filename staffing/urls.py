from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="staffing_dashboard"),
    path("what-if/", views.what_if, name="staffing_what_if"),
    path("facilities/<int:facility_id>/panel/", views.facility_panel, name="staffing_facility_panel"),
    path("facilities/<int:facility_id>/staff/", views.staff_list, name="staff_list"),
    path("facilities/<int:facility_id>/staff/new/", views.staff_add, name="staff_add"),
    path("employments/<int:employment_id>/end/", views.employment_end, name="employment_end"),
    path("employments/<int:employment_id>/leave/", views.leave_add, name="leave_add"),
]
