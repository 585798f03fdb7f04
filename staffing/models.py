"""Staff, their employments and leave, and the daily staffing-compliance snapshot per facility."""
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from facilities.models import Facility
from residents.rules import mask_id_number


class StaffRole(models.TextChoices):
    CARER = "carer", _("养老护理员")
    NURSE = "nurse", _("护士")
    DOCTOR = "doctor", _("医生")
    SOCIAL_WORKER = "social_worker", _("社工")
    MANAGER = "manager", _("管理人员")
    LOGISTICS = "logistics", _("后勤")
    COOK = "cook", _("厨师")
    SECURITY = "security", _("保安")
    OTHER = "other", _("其他")


class StaffMember(models.Model):
    """A person who works in one or more facilities; the ID number ties their employments together."""

    name = models.CharField(_("姓名"), max_length=50)
    id_number = models.CharField(_("身份证号码"), max_length=18, unique=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("工作人员")
        verbose_name_plural = _("工作人员")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)


class Employment(models.Model):
    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="employments", verbose_name=_("工作人员"))
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="employments", verbose_name=_("机构"))
    role = models.CharField(_("岗位"), max_length=15, choices=StaffRole.choices)
    fte = models.DecimalField(
        _("折算全职"), max_digits=3, decimal_places=2, default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0.10")), MaxValueValidator(Decimal("1.00"))],
        help_text=_("全职为 1.0，半职为 0.5"),
    )
    started_on = models.DateField(_("入职日期"))
    ended_on = models.DateField(_("离职日期"), null=True, blank=True)
    certificate_number = models.CharField(_("职业资格证书编号"), max_length=50, blank=True)
    certificate_expires_on = models.DateField(_("证书有效期至"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("聘用记录")
        verbose_name_plural = _("聘用记录")
        ordering = ["-started_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")), name="employment_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(fte__gt=0, fte__lte=1), name="employment_fte_0_to_1"),
        ]
        indexes = [models.Index(fields=["facility", "started_on", "ended_on"])]

    def __str__(self):
        return f"{self.staff} · {self.get_role_display()} · {self.facility}"


class LeaveKind(models.TextChoices):
    ANNUAL = "annual", _("年休假")
    SICK = "sick", _("病假")
    MATERNITY = "maternity", _("产假")
    OTHER = "other", _("其他")


class Leave(models.Model):
    employment = models.ForeignKey(Employment, on_delete=models.CASCADE, related_name="leaves", verbose_name=_("聘用记录"))
    kind = models.CharField(_("假别"), max_length=10, choices=LeaveKind.choices)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("请假")
        verbose_name_plural = _("请假")
        ordering = ["-starts_on"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="leave_ends_after_start")]

    def __str__(self):
        return f"{self.employment.staff} · {self.starts_on}–{self.ends_on}"


class ComplianceStatus(models.TextChoices):
    COMPLIANT = "compliant", _("达标")
    BELOW = "below", _("不达标")
    NO_DATA = "no_data", _("缺少人员数据")
    EMPTY = "empty", _("无在住人员")


class ComplianceSnapshot(models.Model):
    """One facility's staffing on one day: the census, the requirement, the staff counted, the gap."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="compliance", verbose_name=_("机构"))
    day = models.DateField(_("日期"))
    full = models.PositiveIntegerField(_("失能"))
    partial = models.PositiveIntegerField(_("半失能"))
    self_care = models.PositiveIntegerField(_("自理"))
    orphans = models.PositiveIntegerField(_("孤儿"))
    unassessed = models.PositiveIntegerField(_("未评估（按失能计）"))
    required = models.PositiveIntegerField(_("应配备"))
    actual = models.DecimalField(_("实有（折算全职）"), max_digits=8, decimal_places=2)
    gap = models.DecimalField(_("缺口"), max_digits=8, decimal_places=2)
    status = models.CharField(_("状态"), max_length=10, choices=ComplianceStatus.choices)
    ratios = models.JSONField(_("适用配比"), default=dict)
    computed_at = models.DateTimeField(_("计算时间"), auto_now=True)

    class Meta:
        verbose_name = _("配比日快照")
        verbose_name_plural = _("配比日快照")
        constraints = [models.UniqueConstraint(fields=["facility", "day"], name="snapshot_one_per_facility_day")]
        indexes = [models.Index(fields=["day", "status"])]

    def __str__(self):
        return f"{self.facility} · {self.day} · {self.get_status_display()}"
