from django.urls import path

from . import views as user_views

urlpatterns = [
    path("", user_views.user_list, name="user_list"),
    path("new/", user_views.user_create, name="user_create"),
    path("login-log/", user_views.login_log, name="login_log"),
    path("<int:user_id>/", user_views.user_detail, name="user_detail"),
    path("<int:user_id>/role/", user_views.user_role, name="user_role"),
    path("<int:user_id>/password/", user_views.user_password, name="user_password"),
    path("<int:user_id>/deactivate/", user_views.user_deactivate, name="user_deactivate"),
    path("<int:user_id>/assignments/", user_views.user_assignment_add, name="user_assignment_add"),
    path("<int:user_id>/second-factor/reset/", user_views.user_second_factor_reset, name="user_second_factor_reset"),
]
