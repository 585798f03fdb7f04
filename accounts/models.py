"""People who use the system, their role and region scope, their API tokens, and the append-only log
of their reads and exports of personal data.

An account is either an administrator (role `admin`, Django staff) or a working role, never both:
`is_staff` follows the role on every save, a check constraint refuses anything else in the database,
and the superuser flag exists only on administrator accounts made by `createsuperuser` for recovery.
A change of role, scope, password or active state ends the account's sessions (the session hash
covers them) and its API tokens (revoked on save, and refused by their stamp whatever wrote the row).
"""
import hashlib
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.params import REGION_CODE


class Role(models.TextChoices):
    MANAGER = "manager", _("机构负责人")
    INSPECTOR = "inspector", _("民政督查")
    CLERK = "clerk", _("救助经办")
    ADMIN = "admin", _("系统管理员")


REGIONAL_ROLES = (Role.INSPECTOR, Role.CLERK)

region_code_validator = RegexValidator(
    REGION_CODE,
    _("行政区划代码应为6位（省、市、县）或9位（乡镇）"),
)


# What a session or an API token was granted under: changing any of these ends both.
CREDENTIAL_FIELDS = ("password", "role", "region_code", "is_active", "is_staff", "is_superuser")
# Apps whose admin pages administrators manage by their role (no superuser flag needed).
ADMINISTERED_APPS = frozenset({"accounts", "facilities", "otp_totp", "axes"})


class AccountManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        """`createsuperuser`, the recovery route: always an administrator, never a working role."""
        extra_fields["role"] = Role.ADMIN
        return super().create_superuser(username, email, password, **extra_fields)


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
    must_change_password = models.BooleanField(
        _("下次登录须修改密码"), default=False, help_text=_("管理员设置的密码，用户登录后须先改为自己的密码"),
    )
    large_text = models.BooleanField(_("大字显示"), default=False, help_text=_("页面文字放大四分之一，记住到下次登录"))
    unread_notifications = models.PositiveIntegerField(
        _("未读通知"), default=0, editable=False, help_text=_("与未读的通知条数一致；页头读它，不必每页计数"),
    )
    alerts_seen_at = models.DateTimeField(
        _("最近查看预警时间"), null=True, blank=True, editable=False, help_text=_("此后发生的预警在首页标为新"),
    )
    digest_daily = models.BooleanField(
        _("每日邮件摘要"), default=True, help_text=_("每天早上把新预警和未读通知的条数发到账户邮箱（不含个人信息）"),
    )
    digest_muted_kinds = models.JSONField(
        _("摘要不含的预警类型"), default=list, blank=True, help_text=_("预警类型的代码，例如 round_gap"),
    )
    digest_sent_at = models.DateTimeField(_("最近发送摘要时间"), null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=[
        "password", "last_login", "alerts_seen_at", "unread_notifications", "digest_sent_at",
    ])

    objects = AccountManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role__in=[r.value for r in REGIONAL_ROLES]) | ~Q(region_code=""),
                name="regional_role_has_region",
            ),
            models.CheckConstraint(
                condition=Q(role="admin", is_staff=True) | Q(~Q(role="admin"), is_staff=False, is_superuser=False),
                name="administrator_or_working_role",
            ),
        ]

    def __str__(self):
        return self.full_name or self.username

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._credentials_loaded = instance._credentials()
        return instance

    def _credentials(self) -> dict:
        return {name: self.__dict__.get(name) for name in CREDENTIAL_FIELDS}

    def clean(self):
        super().clean()
        if self.is_superuser and self.role != Role.ADMIN:
            raise ValidationError({"role": _("超级用户只能是系统管理员，不能担任业务角色")})
        if self.role == Role.ADMIN and self.region_code:
            raise ValidationError({"region_code": _("系统管理员没有行政区划范围，请留空")})

    def save(self, *args, **kwargs):
        """`is_staff` follows the role; a changed credential revokes the account's API tokens."""
        self.is_staff = self.role == Role.ADMIN
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "role" in update_fields:
            kwargs["update_fields"] = {*update_fields, "is_staff"}
        loaded = getattr(self, "_credentials_loaded", None)
        now = self._credentials()
        self.credentials_changed = sorted(k for k in CREDENTIAL_FIELDS if loaded and loaded[k] != now[k])
        super().save(*args, **kwargs)
        self._credentials_loaded = now
        if self.credentials_changed:
            self.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())

    def _get_session_auth_hash(self, secret=None):
        """Django's hash of the password, extended to the role and scope: changing them ends sessions."""
        return salted_hmac(
            "accounts.User.get_session_auth_hash", self.credential_text(), secret=secret, algorithm="sha256",
        ).hexdigest()

    def credential_text(self) -> str:
        return "|".join(str(getattr(self, name)) for name in CREDENTIAL_FIELDS)

    def credential_stamp(self) -> str:
        """What an API token remembers of its owner at issue; a token whose stamp differs is refused."""
        return hashlib.sha256(self.credential_text().encode()).hexdigest()

    def has_perm(self, perm, obj=None):
        """Administrators manage the admin pages of the administered apps by their role."""
        if self.is_active and self.role == Role.ADMIN and perm.split(".", 1)[0] in ADMINISTERED_APPS:
            return True
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label):
        if self.is_active and self.role == Role.ADMIN and app_label in ADMINISTERED_APPS:
            return True
        return super().has_module_perms(app_label)

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


class RecoveryCode(models.Model):
    """A one-time second-factor recovery code; only its keyed hash is stored (accounts.recovery)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes", verbose_name=_("用户"))
    code_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("恢复码")
        verbose_name_plural = _("恢复码")

    def __str__(self):
        return f"{self.user} · {self.created_at:%Y-%m-%d}"


def token_expiry():
    return timezone.now() + timedelta(days=settings.API_TOKEN_DAYS)


class ApiToken(models.Model):
    """A per-user token for other systems. Only a hash of the secret is stored. It expires after
    API_TOKEN_DAYS and ends when its owner's password, role, scope or active state changes."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("用户"))
    name = models.CharField(_("名称"), max_length=100)
    prefix = models.CharField(_("前缀"), max_length=12, unique=True)
    secret_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    expires_at = models.DateTimeField(_("到期时间"), default=token_expiry)
    user_stamp = models.CharField(max_length=64, blank=True)

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
    LOOKUP_OUTSIDE_SCOPE = "lookup_outside_scope", _("按身份证号码查询辖区外人员")
    SEARCH_PEOPLE = "search_people", _("搜索人员")
    ACCOUNT_CREATE = "account_create", _("创建账户")
    ROLE_GRANT = "role_grant", _("授予或变更角色与范围")
    PASSWORD_RESET = "password_reset", _("管理员重置密码")
    ASSIGNMENT_ADD = "assignment_add", _("添加机构负责人分配")
    ACCOUNT_DEACTIVATE = "account_deactivate", _("停用账户")
    SECOND_FACTOR_RESET = "second_factor_reset", _("管理员重置两步验证")


# Account actions by an administrator: each is shown to the other administrators on their home page.
ACCOUNT_ACTIONS = (
    AccessAction.ACCOUNT_CREATE, AccessAction.ROLE_GRANT, AccessAction.PASSWORD_RESET,
    AccessAction.ASSIGNMENT_ADD, AccessAction.ACCOUNT_DEACTIVATE, AccessAction.SECOND_FACTOR_RESET,
)


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


class NotificationKind(models.TextChoices):
    BATCH_RETURNED = "batch_returned", _("申报被退回")
    RECTIFICATION_RETURNED = "rectification_returned", _("整改被退回")
    JOB_FINISHED = "job_finished", _("后台任务结束")
    COMPLAINT_REGISTERED = "complaint_registered", _("新投诉举报待受理")


class Notification(models.Model):
    """Something that happened to a user's own work, waiting to be read: a batch they submitted was returned,
    a rectification of their facility was sent back. Its words are drawn when shown, in the reader's language,
    from the kind and the stored values (accounts.notifications.selectors)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("用户"))
    kind = models.CharField(_("类型"), max_length=30, choices=NotificationKind.choices)
    values = models.JSONField(_("内容"), default=dict)
    link = models.CharField(_("链接"), max_length=300, help_text=_("本站内的路径"))
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.user_id} · {self.created_at:%Y-%m-%d %H:%M}"


class JobKind(models.TextChoices):
    PEOPLE_IMPORT = "people_import", _("人员导入")
    CLAIMS_EXPORT = "claims_export", _("补贴申报导出")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class JobStage(models.TextChoices):
    WAITING = "waiting", _("等待开始")
    CHECKING = "checking", _("逐行检查")
    WRITING = "writing", _("写入（全部成功或全部不写入）")
    EXPORTING = "exporting", _("生成文件")
    FINISHED = "finished", _("结束")


class BackgroundJob(models.Model):
    """Work too long for a web request (an import, a province's export), run by a task while its page
    shows the progress. Only the user who asked sees it (accounts.jobs.selectors); its files live in
    the private media storage under a random name and are deleted with the job (accounts.jobs.services)."""

    kind = models.CharField(_("类型"), max_length=20, choices=JobKind.choices)
    title = models.CharField(_("内容"), max_length=200)
    requested_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+", verbose_name=_("发起人"))
    requested_at = models.DateTimeField(_("发起时间"), default=timezone.now)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    stage = models.CharField(_("阶段"), max_length=10, choices=JobStage.choices, default=JobStage.WAITING)
    done = models.PositiveIntegerField(_("已处理"), default=0)
    total = models.PositiveIntegerField(_("总数"), default=0)
    #: What the task needs (filters, format, the import's column mapping), and for a download the access
    #: record to write when the file is taken.
    params = models.JSONField(_("参数"), default=dict, blank=True)
    source = models.FileField(_("上传的文件"), upload_to="jobs/in/", blank=True)
    result = models.FileField(_("生成的文件"), upload_to="jobs/out/", blank=True)
    result_name = models.CharField(_("下载文件名"), max_length=200, blank=True)
    #: What came of it, for the page: an import's counts or its problems, an export's number of lines.
    outcome = models.JSONField(_("结果"), default=dict, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["requested_by", "-requested_at"], name="job_user_recent_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.title}"

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        return min(100, round(100 * self.done / self.total)) if self.total else 0
