"""People who use the system, their role and region scope, their API tokens, and the append-only log
of their reads and exports of personal data."""
from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    MANAGER = "manager", _("机构负责人")
    INSPECTOR = "inspector", _("民政督查")
    CLERK = "clerk", _("救助经办")
    ADMIN = "admin", _("系统管理员")


REGIONAL_ROLES = (Role.INSPECTOR, Role.CLERK)

region_code_validator = RegexValidator(
    r"^\d{6}(\d{3})?$",
    _("行政区划代码应为6位（省、市、县）或9位（乡镇）"),
)


class User(AbstractUser):
    full_name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("电话"), max_length=20, blank=True)
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices)
    region_code = models.CharField(
        _("行政区划代码"),
        max_length=9,
        blank=True,
        validators=[region_code_validator],
        help_text=_("民政督查和救助经办可查看该区划内的全部数据"),
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role__in=[r.value for r in REGIONAL_ROLES]) | ~Q(region_code=""),
                name="regional_role_has_region",
            ),
        ]

    def __str__(self):
        return self.full_name or self.username

    @property
    def is_manager(self):
        return self.role == Role.MANAGER

    @property
    def is_inspector(self):
        return self.role == Role.INSPECTOR

    @property
    def is_clerk(self):
        return self.role == Role.CLERK

    @property
    def is_administrator(self):
        return self.role == Role.ADMIN


class SecondFactorPolicy(models.Model):
    """Whether a role must use a second factor (TOTP) to sign in to the web pages. No row: optional.

    API tokens are not affected: their holders are other systems, not people at a browser.
    """

    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, unique=True)
    required = models.BooleanField(
        _("必须启用两步验证"), default=False,
        help_text=_("勾选后，该角色的用户登录后须先绑定验证器并输入验证码，才能使用系统；下次登录起生效"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("两步验证要求")
        verbose_name_plural = _("两步验证要求")

    def __str__(self):
        return f"{self.get_role_display()}：{_('必须') if self.required else _('可选')}"


class ApiToken(models.Model):
    """A per-user token for other systems. Only a hash of the secret is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("用户"))
    name = models.CharField(_("名称"), max_length=100)
    prefix = models.CharField(_("前缀"), max_length=12, unique=True)
    secret_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"


class AccessAction(models.TextChoices):
    READ_ID_NUMBER = "read_id_number", _("读取完整身份证号码")
    READ_HEALTH = "read_health", _("读取健康与残疾信息")
    EXPORT = "export", _("导出数据")
    EXPORT_PERSONAL = "export_personal", _("导出含完整身份证号码的数据")


class AccessRecordImmutable(RuntimeError):
    """Raised when code tries to change or delete an access record (等保: audit records are append-only)."""


class AccessRecordQuerySet(models.QuerySet):
    """Bulk changes are refused; `accounts.audit.access_records_prune` is the only way rows leave."""

    def update(self, **kwargs):
        raise AccessRecordImmutable("access records cannot be changed")

    def delete(self):
        raise AccessRecordImmutable("access records cannot be deleted; they are pruned after the retention period")


class AccessRecord(models.Model):
    """Who read or exported personal data, when and from where. Append-only: see the 0002 migration
    for the database triggers that back up the refusals below."""

    user = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="access_records", verbose_name=_("用户")
    )
    # Snapshots: the record must still say who it was if the account is later renamed or its role changes.
    username = models.CharField(_("用户名"), max_length=150)
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    action = models.CharField(_("操作"), max_length=20, choices=AccessAction.choices)
    target = models.CharField(_("对象"), max_length=100, help_text=_("例如 person:12、claim_batch:3"))
    detail = models.CharField(_("说明"), max_length=300, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    path = models.CharField(_("请求路径"), max_length=300, blank=True)

    objects = AccessRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("访问记录")
        verbose_name_plural = _("访问记录")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.username} {self.get_action_display()} {self.target}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AccessRecordImmutable("access records cannot be changed")
        # Always an INSERT: a new instance given an existing id must not overwrite that row.
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AccessRecordImmutable("access records cannot be deleted; they are pruned after the retention period")
