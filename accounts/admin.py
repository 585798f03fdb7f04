"""Administrators manage users and the per-role second-factor requirement in the admin site;
facility assignments are added by facilities.admin. The role decides the staff flag (accounts.models)
and the superuser flag is never offered: an administrator cannot make an account both an
administrator and a working role, nor change their own role, scope or active state; what they
change on another account is access-logged (accounts.services), and a password they set must be
changed at the next login. Access records are shown read-only: the log is
append-only. (A user's TOTP device appears under django-otp's own admin, without its secret, so an
administrator can remove a lost one; residents, staff and claims are deliberately not registered.)"""
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import AccessRecord, ApiToken, SecondFactorPolicy, User
from .services import account_change_record

SELF_LOCKED = ("role", "region_code", "is_active")


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, BaseUserAdmin):
    list_display = ("username", "full_name", "role", "region_code", "is_active", "last_login")
    list_filter = ("role", "is_active")
    search_fields = ("username", "full_name", "region_code")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("full_name", "phone", "email")}),
        (_("角色与范围"), {"fields": ("role", "region_code")}),
        (_("状态"), {"fields": ("is_active", "must_change_password", "is_staff", "is_superuser", "last_login",
                               "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "full_name", "role", "region_code", "password1", "password2")}),
    )
    readonly_fields = ("last_login", "date_joined", "is_staff", "is_superuser", "must_change_password")

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return (*fields, *SELF_LOCKED) if obj is not None and obj.pk == request.user.pk else fields

    def save_model(self, request, obj, form, change):
        if not change:
            obj.must_change_password = True
        super().save_model(request, obj, form, change)
        account_change_record(request=request, user=obj, created=not change)

    def user_change_password(self, request, id, form_url=""):
        """Setting another account's password: logged, and to be changed at its next login."""
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, id)
            if user is not None and user.pk != request.user.pk:
                user.must_change_password = True
                user.save(update_fields=["must_change_password"])
                user.credentials_changed = ["password"]
                account_change_record(request=request, user=user)
        return response


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
