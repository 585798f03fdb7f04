"""Routes of the working-day calendar pages (工作日历), included under facilities/calendar/."""
from django.urls import path

from . import views

urlpatterns = [
    path("", views.calendar_year, name="calendar_year"),
    path("upload/", views.calendar_upload, name="calendar_upload"),
    path("library/", views.calendar_load_library, name="calendar_load_library"),
    path("<int:year>/notice/", views.calendar_notice_edit, name="calendar_notice_edit"),
    path("<int:year>/notice/delete/", views.calendar_notice_delete, name="calendar_notice_delete"),
    path("<int:year>/days/new/", views.calendar_day_new, name="calendar_day_new"),
    path("days/<int:day_id>/edit/", views.calendar_day_edit, name="calendar_day_edit"),
    path("days/<int:day_id>/delete/", views.calendar_day_delete, name="calendar_day_delete"),
]
