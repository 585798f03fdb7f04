from django.urls import path

from . import views as region_views

urlpatterns = [
    path("picker/", region_views.region_picker, name="region_picker"),
    path("decisions/", region_views.region_decisions, name="region_decisions"),
    path("decisions/<int:change_id>/", region_views.region_decide, name="region_decide"),
]
