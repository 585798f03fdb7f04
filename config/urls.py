from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import include, path
from django.views.i18n import set_language

from facilities.alerts.views import alert_acknowledge_many, alert_acknowledge_view, alert_list
from residents.search.views import search_view

from .api import api
from .home import home
from .jobs import job_detail, job_download, job_list
from .notifications import notification_go, notification_list, notification_settings, notifications_read

admin.site.site_header = admin.site.site_title = settings.SITE_TITLE
admin.site.unregister(Group)

urlpatterns = [
    path("", home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("audit/", include("accounts.audit_urls")),
    path("users/", include("facilities.users.urls")),
    path("facilities/", include("facilities.urls")),
    path("regions/", include("facilities.regions.urls")),
    path("people/", include("residents.urls")),
    path("staffing/", include("staffing.urls")),
    path("subsidies/", include("subsidies.urls")),
    path("search/", search_view, name="search"),
    path("notifications/", notification_list, name="notification_list"),
    path("notifications/read/", notifications_read, name="notifications_read"),
    path("notifications/settings/", notification_settings, name="notification_settings"),
    path("notifications/<int:notification_id>/", notification_go, name="notification_go"),
    path("jobs/", job_list, name="job_list"),
    path("jobs/<int:job_id>/", job_detail, name="job_detail"),
    path("jobs/<int:job_id>/download/", job_download, name="job_download"),
    path("alerts/", alert_list, name="alert_list"),
    path("alerts/acknowledge/", alert_acknowledge_many, name="alert_acknowledge_many"),
    path("alerts/<int:alert_id>/acknowledge/", alert_acknowledge_view, name="alert_acknowledge"),
    path("api/", api.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
]

handler400 = "config.errors.bad_request"
handler403 = "config.errors.forbidden"
handler404 = "config.errors.not_found"
handler500 = "config.errors.server_error"
