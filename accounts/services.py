"""What administrators do to accounts, and the one preference a user sets for themselves (large text). Each
administrator's write is access-logged (who, for whom, from where) so
the other administrators see it on their home page; an administrator never changes their own role,
scope or active state, and a password they set must be changed at the account's next login.

The model guarantees the rest (accounts.models): an account is an administrator or a working role,
never both, and a changed role, scope, password or active state ends its sessions and API tokens.
"""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from common.history import save_with_history

from .audit import access_record
from .models import AccessAction, RecoveryCode, Role, User


def require_administrator(by) -> None:
    """Only an active administrator manages accounts (also their facility assignments)."""
    if not (by.is_authenticated and by.is_active and by.is_administrator):
        raise PermissionDenied


def _not_self(by, user) -> None:
    if by.pk == user.pk:
        raise ValidationError(_("管理员不能更改自己的角色、范围或状态，请由另一位管理员操作"))


def _target(user) -> str:
    return f"user:{user.pk}"


def account_change_record(*, request, user, created: bool = False) -> None:
    """Access-log what an administrator's save changed on an account (the admin site and our pages)."""
    changed = set(getattr(user, "credentials_changed", ()))
    params = {"username": user.username, "role": user.get_role_display(), "region": user.region_code or "—"}
    if created:
        access_record(request=request, action=AccessAction.ACCOUNT_CREATE, target=_target(user),
                      detail=_("创建账户 %(username)s：%(role)s，范围 %(region)s"), params=params)
    elif changed & {"role", "region_code"}:
        access_record(request=request, action=AccessAction.ROLE_GRANT, target=_target(user),
                      detail=_("账户 %(username)s 的角色与范围改为：%(role)s，%(region)s"), params=params)
    if not created and "password" in changed:
        access_record(request=request, action=AccessAction.PASSWORD_RESET, target=_target(user),
                      detail=_("重置账户 %(username)s 的密码，下次登录须修改"), params=params)
    if not created and "is_active" in changed and not user.is_active:
        access_record(request=request, action=AccessAction.ACCOUNT_DEACTIVATE, target=_target(user),
                      detail=_("停用账户 %(username)s"), params=params)


@transaction.atomic
def user_create(*, request, username, full_name, role, region_code, password, phone="", email="") -> User:
    require_administrator(request.user)
    user = User(username=username, full_name=full_name, role=role, region_code=region_code, phone=phone,
                email=email, must_change_password=True)
    user.set_password(password)
    user.full_clean()
    user.save()
    account_change_record(request=request, user=user, created=True)
    return user


@transaction.atomic
def user_role_set(*, request, user, role, region_code) -> User:
    """Give an account another role or scope; its sessions and tokens end (accounts.models)."""
    require_administrator(request.user)
    _not_self(request.user, user)
    user.role, user.region_code = role, region_code
    if role != Role.ADMIN:
        user.is_superuser = False
    user.full_clean()
    user.save()
    account_change_record(request=request, user=user)
    return user


@transaction.atomic
def user_password_reset(*, request, user, password) -> User:
    require_administrator(request.user)
    _not_self(request.user, user)
    user.set_password(password)
    user.must_change_password = True
    user.save()
    account_change_record(request=request, user=user)
    return user


@transaction.atomic
def user_deactivate(*, request, user) -> User:
    require_administrator(request.user)
    _not_self(request.user, user)
    user.is_active = False
    user.save()
    account_change_record(request=request, user=user)
    return user


@transaction.atomic
def second_factor_reset(*, request, user) -> User:
    """A user lost their authenticator and recovery codes: remove both, logged."""
    require_administrator(request.user)
    _not_self(request.user, user)
    TOTPDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    access_record(request=request, action=AccessAction.SECOND_FACTOR_RESET, target=_target(user),
                  detail=_("重置账户 %(username)s 的两步验证"), params={"username": user.username})
    return user


def large_text_set(*, user, on: bool) -> User:
    """The user's own choice of large text (适老化), kept on the account so it follows them to any computer."""
    user.large_text = on
    save_with_history(user, by=user, reason=_("大字显示") if on else _("标准字号"), update_fields=["large_text"])
    return user
