from django.urls import path

from . import audit_views

urlpatterns = [
    path("", audit_views.access_record_list, name="access_record_list"),
]
