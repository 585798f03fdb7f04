"""Administrative regions, the facility registry and which managers run which facility."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .rules import region_level
from .validators import validate_credit_code


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    COUNTY = "county", _("县（区）")
    TOWNSHIP = "township", _("乡镇（街道）")


class Region(models.Model):
    """A GB/T 2260 division. The code is the key, so scoping is a prefix match without a join."""

    code = models.CharField(_("行政区划代码"), max_length=9, primary_key=True)
    name = models.CharField(_("名称"), max_length=50)
    full_name = models.CharField(_("全称"), max_length=120)
    level = models.CharField(_("级别"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("上级")
    )
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self):
        return f"{self.full_name}（{self.code}）"


class FacilityKind(models.TextChoices):
    CARE_HOME = "care_home", _("敬老院 / 特困供养服务机构")
    ELDERLY_CARE = "elderly_care", _("养老机构")
    CHILD_WELFARE = "child_welfare", _("儿童福利机构")


class Operator(models.TextChoices):
    PUBLIC = "public", _("公办")
    PRIVATE = "private", _("民办")
    PUBLIC_PRIVATE = "public_private", _("公建民营")


class FacilityStatus(models.TextChoices):
    OPERATING = "operating", _("运营中")
    SUSPENDED = "suspended", _("暂停运营")
    CLOSED = "closed", _("已关闭")


class Facility(models.Model):
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("机构类型"), max_length=20, choices=FacilityKind.choices)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="facilities", verbose_name=_("行政区划"),
        help_text=_("县（区）或乡镇（街道）"),
    )
    address = models.CharField(_("地址"), max_length=200)
    bed_capacity = models.PositiveIntegerField(_("床位数"))
    operator = models.CharField(_("运营方式"), max_length=20, choices=Operator.choices)
    licence_number = models.CharField(_("许可证或备案号"), max_length=60, blank=True)
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, blank=True, validators=[validate_credit_code]
    )
    opened_on = models.DateField(_("开业日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=FacilityStatus.choices, default=FacilityStatus.OPERATING)
    contact_person = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("机构")
        verbose_name_plural = _("机构")
        ordering = ["region_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="facility_name_unique_in_region"),
            models.CheckConstraint(condition=models.Q(bed_capacity__lte=100000), name="facility_bed_capacity_sane"),
        ]
        indexes = [models.Index(fields=["kind", "status"])]

    def __str__(self):
        return self.name

    def clean(self):
        if self.region_id and region_level(self.region_id) not in (RegionLevel.COUNTY, RegionLevel.TOWNSHIP):
            raise ValidationError({"region": _("机构须登记在县（区）或乡镇（街道）")})


class FacilityAssignment(models.Model):
    """A facility manager runs the facilities assigned to them, and only those."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="facility_assignments", verbose_name=_("用户")
    )
    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("机构"))
    assigned_at = models.DateTimeField(_("分配时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("机构负责人分配")
        verbose_name_plural = _("机构负责人分配")
        constraints = [models.UniqueConstraint(fields=["user", "facility"], name="assignment_unique")]

    def __str__(self):
        return f"{self.user} → {self.facility}"


class Rounding(models.TextChoices):
    TOTAL = "total", _("总数向上取整")
    PER_LEVEL = "per_level", _("按等级分别向上取整")


class Proration(models.TextChoices):
    MONTH = "month", _("按月（每月1日状态定全月）")
    DAY = "day", _("按天折算")


class RegionPolicy(models.Model):
    """Rule parameters of a region from a date on. The most specific region, then the latest date, wins.

    Regions without a row inherit from their parent; with no row anywhere the field defaults
    (the national rule set) apply.
    """

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="policies", verbose_name=_("行政区划"))
    effective_from = models.DateField(_("生效日期"))
    staff_ratio_full = models.PositiveSmallIntegerField(_("失能：每名护理人员照护人数"), default=3)
    staff_ratio_partial = models.PositiveSmallIntegerField(_("半失能：每名护理人员照护人数"), default=6)
    staff_ratio_self_care = models.PositiveSmallIntegerField(_("自理：每名护理人员照护人数"), default=10)
    staff_ratio_orphan = models.PositiveSmallIntegerField(_("孤儿：每名护理人员照护人数"), default=1)
    staff_rounding = models.CharField(_("取整方式"), max_length=10, choices=Rounding.choices, default=Rounding.TOTAL)
    counting_roles = models.JSONField(
        _("计入配比的岗位"), default=list, blank=True, help_text=_("留空为默认：养老护理员、护士")
    )
    reassessment_months = models.PositiveSmallIntegerField(_("生活自理能力复评周期（月）"), default=12)
    change_reassessment_working_days = models.PositiveSmallIntegerField(_("状况变化后复评时限（工作日）"), default=10)
    visit_interval_days = models.PositiveSmallIntegerField(_("分散供养探访周期（天）"), default=30)
    alert_escalation_days = models.PositiveSmallIntegerField(_("预警升级天数"), default=7)
    proration = models.CharField(_("补贴计算方式"), max_length=10, choices=Proration.choices, default=Proration.MONTH)
    note = models.CharField(_("依据文件"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("区划规则参数")
        verbose_name_plural = _("区划规则参数")
        constraints = [models.UniqueConstraint(fields=["region", "effective_from"], name="policy_unique_per_day")]

    def __str__(self):
        return f"{self.region_id} · {self.effective_from:%Y-%m-%d}"


class AlertKind(models.TextChoices):
    STAFFING_BELOW = "staffing_below", _("护理人员配比不达标")
    STAFFING_NO_DATA = "staffing_no_data", _("缺少护理人员数据")
    ASSESSMENT_MISSING = "assessment_missing", _("未做生活自理能力评估")
    ASSESSMENT_OVERDUE = "assessment_overdue", _("生活自理能力评估逾期")
    RATING_EXPIRING = "rating_expiring", _("等级评定即将到期")
    RATING_EXPIRED = "rating_expired", _("等级评定已过期")
    OVER_CAPACITY = "over_capacity", _("入住人数超过床位")
    VISIT_OVERDUE = "visit_overdue", _("分散供养探访逾期")
    DUPLICATE_ENROLMENT = "duplicate_enrolment", _("重复供养")
    STAFF_DOUBLE_COUNTED = "staff_double_counted", _("工作人员重复计算")


class Severity(models.TextChoices):
    WARNING = "warning", _("提醒")
    CRITICAL = "critical", _("严重")


class Alert(models.Model):
    """Something a person must look at. At most one open alert per kind, place and subject.

    `key` encodes (kind, facility or region, subject) so the partial unique constraint works the
    same on SQLite and PostgreSQL; scans open and resolve alerts idempotently by key.
    """

    key = models.CharField(max_length=120, editable=False)
    kind = models.CharField(_("类型"), max_length=30, choices=AlertKind.choices)
    severity = models.CharField(_("级别"), max_length=10, choices=Severity.choices, default=Severity.WARNING)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="alerts", verbose_name=_("行政区划"))
    facility = models.ForeignKey(
        Facility, null=True, blank=True, on_delete=models.CASCADE, related_name="alerts", verbose_name=_("机构")
    )
    subject = models.CharField(_("对象"), max_length=40, blank=True, help_text="e.g. person:12")
    subject_label = models.CharField(_("对象名称"), max_length=100, blank=True)
    message = models.CharField(_("说明"), max_length=300)
    details = models.JSONField(_("详情"), default=dict, blank=True)
    opened_at = models.DateTimeField(_("发生时间"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("确认人"),
    )
    acknowledged_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    acknowledgement_note = models.CharField(_("确认说明"), max_length=300, blank=True)
    notified_at = models.DateTimeField(_("通知机构时间"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("上报督查时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("预警")
        verbose_name_plural = _("预警")
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(fields=["key"], condition=models.Q(resolved_at__isnull=True), name="alert_one_open_per_key"),
        ]
        indexes = [models.Index(fields=["kind", "resolved_at"]), models.Index(fields=["facility", "resolved_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.subject_label or self.facility or self.region_id}"
