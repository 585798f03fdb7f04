"""Administrators manage users and the per-role second-factor requirement in the admin site;
facility assignments are added by facilities.admin. Access records are shown read-only: the log is
append-only. (A user's TOTP device appears under django-otp's own admin, without its secret, so an
administrator can remove a lost one; residents, staff and claims are deliberately not registered.)"""
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import AccessRecord, ApiToken, SecondFactorPolicy, User


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, BaseUserAdmin):
    list_display = ("username", "full_name", "role", "region_code", "is_active", "last_login")
    list_filter = ("role", "is_active")
    search_fields = ("username", "full_name", "region_code")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("full_name", "phone", "email")}),
        (_("角色与范围"), {"fields": ("role", "region_code")}),
        (_("状态"), {"fields": ("is_active", "is_staff", "is_superuser", "last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "full_name", "role", "region_code", "password1", "password2")}),
    )
    readonly_fields = ("last_login", "date_joined")


@admin.register(SecondFactorPolicy)
class SecondFactorPolicyAdmin(SimpleHistoryAdmin):
    list_display = ("role", "required")
    list_editable = ("required",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("user", "name", "prefix", "secret_hash", "created_at", "last_used_at")

    def has_add_permission(self, request):
        return False


@admin.register(AccessRecord)
class AccessRecordAdmin(admin.ModelAdmin):
    list_display = ("at", "username", "role", "action", "target", "detail", "ip")
    list_filter = ("action", "role")
    search_fields = ("username", "target", "detail")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
