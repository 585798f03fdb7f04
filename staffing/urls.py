from django.urls import path

from . import views
from .budget import views as budget_views
from .relatives import views as relative_views

urlpatterns = [
    path("", views.dashboard, name="staffing_dashboard"),
    path("what-if/", views.what_if, name="staffing_what_if"),
    path("facilities/<int:facility_id>/panel/", views.facility_panel, name="staffing_facility_panel"),
    path("facilities/<int:facility_id>/staff/", views.staff_list, name="staff_list"),
    path("facilities/<int:facility_id>/staff/new/", views.staff_add, name="staff_add"),
    path("employments/<int:employment_id>/end/", views.employment_end, name="employment_end"),
    path("employments/<int:employment_id>/leave/", views.leave_add, name="leave_add"),
    path("employments/<int:employment_id>/relatives/new/", relative_views.relative_declare_staff, name="relative_declare_staff"),
    path("relatives/", relative_views.relative_register, name="relative_register"),
    path("relatives/new/", relative_views.relative_declare_self, name="relative_declare_self"),
    path("relatives/<int:declaration_id>/end/", relative_views.relative_end, name="relative_end"),
    path("relatives/reviews/", relative_views.review_list_view, name="relative_reviews"),
    path("relatives/reviews/scan/", relative_views.review_scan, name="relative_review_scan"),
    path("relatives/reviews/<int:review_id>/decide/", relative_views.review_decide, name="relative_review_decide"),
    path("budget/", budget_views.budget_view, name="staffing_budget"),
    path("budget/facilities/<int:facility_id>/funded/", budget_views.funded_posts_edit, name="funded_posts_edit"),
]
