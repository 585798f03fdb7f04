"""Administrative regions, the facility registry and which managers run which facility."""
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.text_safety import SafeTextModel

from .checklist_rules import CheckResult
from .rules import StarThresholds, region_level
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
    location_approximate = models.BooleanField(
        _("坐标为近似值"), default=False, help_text=_("无公布坐标时取前身或上级的坐标")
    )
    valid_from = models.DateField(_("启用日期"), null=True, blank=True, help_text=_("空表示载入的首个版本中已有"))
    valid_to = models.DateField(_("区划撤销日期"), null=True, blank=True, db_index=True, help_text=_("空表示现行有效"))
    successors = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="predecessors", verbose_name=_("继承单位"),
    )

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self):
        if self.valid_to:
            abolished = _("区划已撤销")
            return f"{self.full_name}（{self.code}，{abolished}）"
        return f"{self.full_name}（{self.code}）"

    @property
    def in_force(self) -> bool:
        return self.valid_to is None


class RegionVersion(SafeTextModel):
    """A reference document (a scale, a catalogue) as a region uses it from a day, with its source: data, so
    a bureau corrects or extends it without a release. The most specific region's latest version in force
    applies (facilities.regions.selectors.version_in_force); each subclass keeps one per region and day."""

    code = models.CharField(_("标准编号"), max_length=50)
    name = models.CharField(_("名称"), max_length=100)
    source = models.TextField(_("来源与版本"), max_length=2000)
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("适用区划"),
        help_text=_("空表示全国通用"),
    )
    effective_from = models.DateField(_("起用日期"))

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.code} · {self.region_id or _('全国')} · {self.effective_from:%Y-%m-%d}"


class RegionChangeKind(models.TextChoices):
    ADDED = "added", _("新设")
    ABOLISHED = "abolished", _("撤销")
    RENAMED = "renamed", _("更名")
    MOVED = "moved", _("改变隶属")
    SPLIT = "split", _("撤销待定（分设或去向未定）")


class DecisionStatus(models.TextChoices):
    APPLIED = "applied", _("已执行")
    PENDING = "pending", _("待决定")
    DECIDED = "decided", _("已决定")


class RegionChange(models.Model):
    """One line of an applied region-table diff, with what moved; a split waits here for a person."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="changes", verbose_name=_("行政区划"))
    kind = models.CharField(_("变更类型"), max_length=10, choices=RegionChangeKind.choices)
    effective_on = models.DateField(_("生效日期"))
    old_name = models.CharField(_("原名称"), max_length=120, blank=True)
    new_name = models.CharField(_("新名称"), max_length=120, blank=True)
    old_parent = models.CharField(_("原上级代码"), max_length=9, blank=True)
    new_parent = models.CharField(_("新上级代码"), max_length=9, blank=True)
    candidates = models.ManyToManyField(Region, blank=True, related_name="+", verbose_name=_("可选继承单位"))
    moved = models.JSONField(_("迁移记录数"), default=dict, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=DecisionStatus.choices, default=DecisionStatus.APPLIED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("决定人"),
    )
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    applied_at = models.DateTimeField(_("执行时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("区划变更")
        verbose_name_plural = _("区划变更")
        ordering = ["-applied_at", "region_id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.region_id}"


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


class Facility(SafeTextModel):
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

    def clean(self):
        """Only facility managers run facilities: an assignment never widens another role's scope."""
        from accounts.models import Role  # accounts does not depend on facilities; imported here to keep it so

        if self.user_id is not None and self.user.role != Role.MANAGER:
            raise ValidationError({"user": _("只能把机构分配给机构负责人")})


class Rounding(models.TextChoices):
    TOTAL = "total", _("总数向上取整")
    PER_LEVEL = "per_level", _("按等级分别向上取整")


class Proration(models.TextChoices):
    MONTH = "month", _("按月（每月1日状态定全月）")
    DAY = "day", _("按天折算")


class RatingAfterExpiry(models.TextChoices):
    LAST = "last", _("从原等级起逐级评定")
    FIRST = "first", _("按首次评定办理")


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
    star_thresholds = models.JSONField(
        _("评星门槛"), default=dict, blank=True,
        help_text=_('留空用默认：{"totals": {"1": 360, …}, "section_percent": {"1": 40, …}}'),
    )
    rating_valid_years = models.PositiveSmallIntegerField(_("等级有效期（年）"), default=3)
    rating_first_max_level = models.PositiveSmallIntegerField(_("首次评定最高等级"), default=3)
    rating_upgrade_wait_years = models.PositiveSmallIntegerField(_("晋级须满年限"), default=1)
    rating_reapply_wait_years = models.PositiveSmallIntegerField(_("未通过后再申请间隔（年）"), default=1)
    rating_after_expiry = models.CharField(
        _("等级过期后重新评定"), max_length=5, choices=RatingAfterExpiry.choices, default=RatingAfterExpiry.LAST,
    )
    complaint_acknowledge_working_days = models.PositiveSmallIntegerField(
        _("投诉举报受理时限（工作日）"), default=1, validators=[MinValueValidator(1)]
    )
    complaint_conclude_working_days = models.PositiveSmallIntegerField(
        _("投诉举报办结时限（工作日）"), default=15, validators=[MinValueValidator(1)]
    )
    safety_review_months = models.PositiveSmallIntegerField(
        _("服务安全风险复评周期（月）"), default=12, validators=[MinValueValidator(1), MaxValueValidator(36)],
        help_text=_("GB 38600-2019 要求阶段性评估；周期由本地规定"),
    )
    incident_notice_hours = models.PositiveSmallIntegerField(
        _("安全事件告知家属时限（小时）"), default=24, validators=[MinValueValidator(1), MaxValueValidator(168)],
    )
    round_max_gap_hours = models.PositiveSmallIntegerField(
        _("昼夜巡查最长间隔（小时）"), default=4, validators=[MinValueValidator(1), MaxValueValidator(24)],
        help_text=_("同一区域两次巡查之间超过此时长即为缺漏"),
    )
    handover_max_gap_hours = models.PositiveSmallIntegerField(
        _("交接班最长间隔（小时）"), default=12, validators=[MinValueValidator(1), MaxValueValidator(24)],
    )
    accept_ltc_assessment = models.BooleanField(
        _("采信长期护理保险失能评估结果"), default=False,
        help_text=_("在有效期内的长护险失能等级评估结果可代替本机构的老年人能力评估"),
    )
    records_bank_accounts = models.BooleanField(
        _("登记发放银行账号"), default=False,
        help_text=_("人员信息中登记开户银行和账号（加密保存、脱敏显示），发放名册带账号列"),
    )
    annual_cost_per_post = models.DecimalField(
        _("每个护理岗位年度经费（元）"), max_digits=10, decimal_places=2, default=Decimal("60000.00"),
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("政府购买服务经费测算：应配备岗位数 × 该金额"),
    )
    note = models.CharField(_("依据文件"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("区划规则参数")
        verbose_name_plural = _("区划规则参数")
        constraints = [models.UniqueConstraint(fields=["region", "effective_from"], name="policy_unique_per_day")]

    def __str__(self):
        return f"{self.region_id} · {self.effective_from:%Y-%m-%d}"

    def clean(self):
        if self.complaint_conclude_working_days < self.complaint_acknowledge_working_days:
            raise ValidationError({"complaint_conclude_working_days": _("办结时限不能短于受理时限")})
        if not self.star_thresholds:
            return
        try:
            StarThresholds(
                totals={int(k): int(v) for k, v in self.star_thresholds["totals"].items()},
                section_percent={int(k): int(v) for k, v in self.star_thresholds["section_percent"].items()},
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ValidationError({"star_thresholds": _("评星门槛格式有误：%(error)s") % {"error": exc}}) from exc


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
    RECTIFICATION_OVERDUE = "rectification_overdue", _("整改逾期")
    COMPLAINT_UNACKNOWLEDGED = "complaint_unacknowledged", _("投诉举报逾期未受理")
    COMPLAINT_OVERDUE = "complaint_overdue", _("投诉举报逾期未办结")
    SAFETY_ASSESSMENT_MISSING = "safety_assessment_missing", _("未做服务安全风险评估")
    SAFETY_REVIEW_OVERDUE = "safety_review_overdue", _("服务安全风险复评逾期")
    ROUND_GAP = "round_gap", _("巡查或交接班缺漏")
    MAJOR_HAZARD_OVERDUE = "major_hazard_overdue", _("重大事故隐患逾期未整改销号")


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
        indexes = [
            models.Index(fields=["kind", "resolved_at"]),
            models.Index(fields=["facility", "resolved_at"]),
            # The lists' order (open first, critical first, newest first): a page is the index's first rows.
            models.Index(
                models.F("resolved_at").desc(),  # DESC puts NULL (open) first on PostgreSQL
                models.Case(models.When(severity="critical", then=models.Value(0)), default=models.Value(1)),
                models.F("opened_at").desc(), models.F("id").desc(),
                name="alert_display_order_idx",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.subject_label or self.facility or self.region_id}"


class RatingsInForce(models.Manager):
    """Evaluations that count: a withdrawn one stays on record (all_objects, its history) but no longer
    gives a level, a subsidy multiplier or a basis for the region's rules."""

    def get_queryset(self):
        return super().get_queryset().filter(withdrawn_at__isnull=True)


class StarRating(SafeTextModel):
    """An evaluation under GB/T 37276-2018; `level` is always star_level of the four stored scores.

    An inspector corrects one (scores, certificate, evaluators, with a reason kept in its history) or
    withdraws it (撤销, with a reason); corrections and withdrawals reach the claims as adjustments.
    """

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="ratings", verbose_name=_("机构"))
    rated_on = models.DateField(_("评定日期"))
    environment = models.DecimalField(_("环境（满分120）"), max_digits=4, decimal_places=1)
    equipment = models.DecimalField(_("设施设备（满分130）"), max_digits=4, decimal_places=1)
    management = models.DecimalField(_("运营管理（满分150）"), max_digits=4, decimal_places=1)
    service = models.DecimalField(_("服务（满分600）"), max_digits=4, decimal_places=1)
    level = models.PositiveSmallIntegerField(_("等级"), editable=False)
    expires_on = models.DateField(_("失效日期"), editable=False, help_text=_("评定在此日期前有效"))
    certificate_number = models.CharField(_("证书编号"), max_length=50, blank=True)
    evaluators = models.CharField(_("评定人员"), max_length=200)
    report = models.FileField(_("评定报告"), upload_to="ratings/", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("录入人")
    )
    recorded_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("撤销人"),
    )
    withdrawal_reason = models.CharField(_("撤销原因"), max_length=300, blank=True)
    history = HistoricalRecords()

    objects = RatingsInForce()
    all_objects = models.Manager()

    class Meta:
        verbose_name = _("等级评定")
        verbose_name_plural = _("等级评定")
        ordering = ["-rated_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(level__lte=5), name="rating_level_0_to_5"),
            models.CheckConstraint(condition=models.Q(expires_on__gt=models.F("rated_on")), name="rating_expires_after"),
        ]
        indexes = [models.Index(fields=["facility", "-rated_on"])]

    def __str__(self):
        return f"{self.facility} · {self.rated_on:%Y-%m-%d} · {self.level}"

    @property
    def total(self):
        return self.environment + self.equipment + self.management + self.service


class InspectionKind(models.TextChoices):
    ROUTINE = "routine", _("日常检查")
    UNANNOUNCED = "unannounced", _("暗访")
    COMPLAINT = "complaint", _("投诉核查")
    RECHECK = "recheck", _("抽查复查")


class Inspection(SafeTextModel):
    """督导检查: an on-site inspection of a facility, its findings and follow-up visits."""

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("机构"))
    inspected_on = models.DateField(_("检查日期"))
    kind = models.CharField(_("检查类型"), max_length=12, choices=InspectionKind.choices)
    inspectors = models.CharField(_("检查人员"), max_length=200)
    summary = models.TextField(_("检查情况"), max_length=4000, blank=True)
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("录入人")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("督导检查")
        verbose_name_plural = _("督导检查")
        ordering = ["-inspected_on", "-id"]
        indexes = [models.Index(fields=["facility", "-inspected_on"])]

    def __str__(self):
        return f"{self.facility} · {self.inspected_on:%Y-%m-%d}"


class FindingSeverity(models.TextChoices):
    MINOR = "minor", _("一般")
    MAJOR = "major", _("较重")
    SERIOUS = "serious", _("严重（安全隐患）")


class FindingStatus(models.TextChoices):
    OPEN = "open", _("待整改")
    RECTIFIED = "rectified", _("已整改待复核")
    VERIFIED = "verified", _("已复核销号")


class Finding(SafeTextModel):
    """A problem found in an inspection, with a rectification deadline (整改期限)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings", verbose_name=_("检查"))
    category = models.CharField(_("问题类别"), max_length=50)
    severity = models.CharField(_("严重程度"), max_length=10, choices=FindingSeverity.choices)
    description = models.TextField(_("问题描述"), max_length=2000)
    deadline = models.DateField(_("整改期限"))
    status = models.CharField(_("整改状态"), max_length=10, choices=FindingStatus.choices, default=FindingStatus.OPEN)
    rectification = models.TextField(_("整改情况"), max_length=2000, blank=True)
    evidence = models.FileField(_("整改材料"), upload_to="rectifications/", blank=True)
    rectified_on = models.DateField(_("整改完成日期"), null=True, blank=True)
    verified_on = models.DateField(_("复核日期"), null=True, blank=True)
    hazard_code = models.CharField(
        _("重大事故隐患"), max_length=30, blank=True,
        help_text=_("检查表中重大事故隐患项的编号；有编号即挂牌督办"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("发现人"),
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("复核人"),
    )
    escalated_on = models.DateField(_("升级市级督办日期"), null=True, blank=True)
    escalated_to = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("督办部门所在区划"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("检查发现的问题")
        verbose_name_plural = _("检查发现的问题")
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self):
        return f"{self.category} · {self.get_status_display()}"


class InspectionChecklist(RegionVersion):
    """A version of the inspection checklist: the major-hazard situations of 民政部's 2023 standard (each
    `major`) and GB 38600's items, or a province's own list."""

    items = models.JSONField(_("检查项"), help_text=_("每项：编号、类别、内容、依据、是否重大事故隐患"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("安全检查表")
        verbose_name_plural = _("安全检查表")
        ordering = ["-effective_from", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["region", "effective_from"], condition=models.Q(region__isnull=False),
                                    name="inspection_checklist_one_per_region_day"),
            models.UniqueConstraint(fields=["effective_from"], condition=models.Q(region__isnull=True),
                                    name="inspection_checklist_one_national_per_day"),
        ]


class CheckResultChoice(models.TextChoices):
    MET = CheckResult.MET.value, _("符合")
    NOT_MET = CheckResult.NOT_MET.value, _("不符合")
    NOT_APPLICABLE = CheckResult.NOT_APPLICABLE.value, _("不适用")


class ChecklistAnswer(SafeTextModel):
    """One item of a checklist inspection: met, not met or not applicable, with the evidence; a "not met"
    is a finding (a major hazard's under supervised rectification)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="checklist_answers",
                                   verbose_name=_("检查"))
    checklist = models.ForeignKey(InspectionChecklist, on_delete=models.PROTECT, related_name="answers",
                                  verbose_name=_("检查表"))
    item_code = models.CharField(_("检查项编号"), max_length=30)
    result = models.CharField(_("检查结果"), max_length=10, choices=CheckResultChoice.choices)
    evidence = models.TextField(_("情况说明"), max_length=1000, blank=True)
    finding = models.OneToOneField(Finding, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="checklist_answer", verbose_name=_("问题"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("检查表结果")
        verbose_name_plural = _("检查表结果")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item_code"], name="checklist_answer_one_per_item"),
        ]

    def __str__(self):
        return f"{self.item_code} · {self.get_result_display()}"


class FollowUp(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("检查"))
    visited_on = models.DateField(_("回访日期"))
    visitors = models.CharField(_("回访人员"), max_length=200)
    notes = models.TextField(_("回访情况"), max_length=2000)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("回访")
        verbose_name_plural = _("回访")
        ordering = ["visited_on", "id"]

    def __str__(self):
        return f"{self.visited_on:%Y-%m-%d} · {self.visitors}"


class ComplaintChannel(models.TextChoices):
    HOTLINE_12345 = "hotline_12345", _("12345 政务服务便民热线")
    HOTLINE_12349 = "hotline_12349", _("12349 民政服务热线")
    LETTER = "letter", _("来信")
    VISIT = "visit", _("来访")
    ONLINE = "online", _("网上投诉")


class Complaint(SafeTextModel):
    """投诉举报 about a facility: registered with its time limits, taken by the first inspector who
    takes it (首问负责), linked to the inspection it triggers, concluded with a reply.

    The deadlines are fixed when the complaint is registered (the region's parameters on the day
    it was received), so a later change of parameters does not move them. Who complained is
    personal data: the contact details are shown whole only to the inspector who owns it.
    """

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="complaints", verbose_name=_("被投诉机构"))
    channel = models.CharField(_("来源渠道"), max_length=16, choices=ComplaintChannel.choices)
    received_at = models.DateTimeField(_("收到时间"))
    content = models.TextField(_("投诉举报内容"), max_length=4000)
    complainant_name = models.CharField(_("投诉人"), max_length=50, blank=True, help_text=_("匿名可不填"))
    complainant_contact = models.CharField(_("投诉人联系方式"), max_length=100, blank=True)
    acknowledge_due_on = models.DateField(_("受理期限"), editable=False)
    conclude_due_on = models.DateField(_("办结期限"), editable=False)
    # The limits in working days as they were on the day received: the deadlines are counted again
    # from them when the working-day calendar of a year they reach changes.
    acknowledge_working_days = models.PositiveSmallIntegerField(_("受理时限（工作日）"), editable=False)
    conclude_working_days = models.PositiveSmallIntegerField(_("办结时限（工作日）"), editable=False)
    due_provisional = models.BooleanField(
        _("期限暂定"), default=False, editable=False,
        help_text=_("期限跨入尚未录入放假安排的年份，暂按周一至周五计算；录入后自动重新计算"),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记人")
    )
    registered_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="complaints_owned",
        verbose_name=_("首问负责人"),
    )
    assigned_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    inspection = models.ForeignKey(
        Inspection, null=True, blank=True, on_delete=models.PROTECT, related_name="complaints",
        verbose_name=_("核查检查"),
    )
    concluded_on = models.DateField(_("办结日期"), null=True, blank=True)
    reply = models.TextField(_("办理结果及答复"), max_length=4000, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("投诉举报")
        verbose_name_plural = _("投诉举报")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(concluded_on__isnull=True) | (models.Q(assigned_to__isnull=False) & ~models.Q(reply="")),
                name="complaint_concluded_has_owner_and_reply",
            ),
            models.CheckConstraint(
                condition=models.Q(assigned_to__isnull=True, assigned_at__isnull=True)
                | models.Q(assigned_to__isnull=False, assigned_at__isnull=False),
                name="complaint_assignment_complete",
            ),
            models.CheckConstraint(
                condition=models.Q(conclude_due_on__gte=models.F("acknowledge_due_on")), name="complaint_due_in_order"
            ),
        ]
        indexes = [
            models.Index(fields=["facility", "-received_at"]),
            models.Index(fields=["concluded_on", "conclude_due_on"]),
        ]

    def __str__(self):
        return f"{self.facility} · {self.received_at:%Y-%m-%d}"


class HolidayNotice(models.Model):
    """国务院办公厅关于…年部分节假日安排的通知: where a year's holidays and make-up working days come from.

    A year is entered when its notice is here; its days are then exactly the `WorkingDayCalendar`
    rows (every other day: Monday to Friday work). A year without a notice here follows
    `chinese-calendar` if the package knows it, else Monday to Friday, and deadlines that reach it
    are provisional (facilities/working_days/calendar.py).
    """

    year = models.PositiveSmallIntegerField(
        _("年份"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)],
    )
    title = models.CharField(_("通知标题"), max_length=200)
    number = models.CharField(_("文号"), max_length=50, blank=True, help_text=_("如：国办发明电〔2025〕7号"))
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    url = models.URLField(_("原文链接"), blank=True)
    source = models.CharField(
        _("数据来源"), max_length=100, blank=True, help_text=_("由 chinese-calendar 载入时注明其版本；手工录入为空"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("放假安排通知")
        verbose_name_plural = _("放假安排通知")
        ordering = ["-year"]

    def __str__(self):
        return f"{self.title}（{self.number}）" if self.number else self.title


class WorkingDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("放假")
    WORKDAY = "workday", _("调休上班")


class WorkingDayCalendar(models.Model):
    """One day that differs from Monday-to-Friday work: a holiday (放假) or a make-up working day (调休上班)."""

    day = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=WorkingDayKind.choices)
    name = models.CharField(_("节日"), max_length=50, help_text=_("如：春节"))
    notice = models.ForeignKey(
        HolidayNotice, on_delete=models.PROTECT, related_name="days", verbose_name=_("放假安排通知"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("工作日历")
        verbose_name_plural = _("工作日历")
        ordering = ["day"]

    def __str__(self):
        return f"{self.day:%Y-%m-%d} {self.get_kind_display()} {self.name}"

    def clean(self):
        errors = {}
        if self.kind == WorkingDayKind.WORKDAY and self.day and self.day.weekday() < 5:
            errors["kind"] = _("调休上班日应为周六或周日")
        # A notice arranges its own year, and sometimes the last days of the year before
        # (e.g. 2018-12-29 to 31 in the notice for 2019).
        if self.day and self.notice_id and self.day.year not in (self.notice.year, self.notice.year - 1):
            errors["day"] = _("日期不在该通知安排的年份内")
        if errors:
            raise ValidationError(errors)
