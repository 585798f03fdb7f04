"""Staff, their employments and leave, and the daily staffing-compliance snapshot per facility."""
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.text_safety import SafeTextModel
from facilities.models import Facility
from residents.models import Person, RelativeDeclaration
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


class StaffMember(SafeTextModel):
    """A person who works in one or more facilities; the ID number ties their employments together."""

    name = models.CharField(_("姓名"), max_length=50)
    id_number = models.CharField(_("身份证号码"), max_length=18, unique=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    address = models.CharField(
        _("家庭住址"), max_length=200, blank=True, help_text=_("与救助对象住址相同的，列入近亲属关系核查"),
    )
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


class Employment(SafeTextModel):
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


class Leave(SafeTextModel):
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
    unassessed = models.PositiveIntegerField(_("无有效评估（按失能计）"), help_text=_("未评估或评估已逾期"))
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


class FundedPosts(models.Model):
    """政府购买服务: the care posts a facility is funded for in a budget year, and the amount if the
    budget states one (otherwise posts × the region's annual cost per post)."""

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="funded_posts", verbose_name=_("机构"))
    year = models.PositiveSmallIntegerField(_("预算年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    posts = models.PositiveIntegerField(_("已安排岗位数"))
    amount = models.DecimalField(
        _("已安排经费（元）"), max_digits=14, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal(0))], help_text=_("留空按岗位数 × 每岗年度经费计算"),
    )
    note = models.CharField(_("依据"), max_length=200, blank=True, help_text=_("例如预算批复文号"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("已安排购买服务岗位")
        verbose_name_plural = _("已安排购买服务岗位")
        ordering = ["-year", "facility_id"]
        constraints = [
            models.UniqueConstraint(fields=["facility", "year"], name="funded_posts_one_per_facility_year"),
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gte=0), name="funded_amount_not_negative"),
        ]

    def __str__(self):
        return f"{self.facility} · {self.year} · {self.posts}"


class ReviewDecision(models.TextChoices):
    PENDING = "pending", _("待核查")
    NOT_RELATED = "not_related", _("经核查非近亲属")
    DECLARED = "declared", _("已补报近亲属备案")


class RelativeReview(models.Model):
    """A possible undeclared relative: a member of staff and a person receiving assistance with the
    same household address. Only ever flagged by the scan; an inspector decides, never the system."""

    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="relative_reviews", verbose_name=_("工作人员"))
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("救助对象"))
    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="+", verbose_name=_("工作人员所在机构"),
    )
    address = models.CharField(_("相同住址"), max_length=200)
    flagged_at = models.DateTimeField(_("发现时间"), auto_now_add=True)
    decision = models.CharField(_("核查结论"), max_length=12, choices=ReviewDecision.choices, default=ReviewDecision.PENDING)
    note = models.CharField(_("核查说明"), max_length=300, blank=True)
    declaration = models.ForeignKey(
        RelativeDeclaration, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("补报的备案"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("核查人"),
    )
    decided_at = models.DateTimeField(_("核查时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("近亲属关系核查")
        verbose_name_plural = _("近亲属关系核查")
        ordering = ["decided_at", "-flagged_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["staff", "person"], name="relative_review_one_per_pair"),
            models.CheckConstraint(
                condition=Q(decision=ReviewDecision.PENDING, decided_at__isnull=True)
                | (~Q(decision=ReviewDecision.PENDING) & Q(decided_at__isnull=False, decided_by__isnull=False)),
                name="relative_review_decided_by_someone",
            ),
            models.CheckConstraint(
                condition=~Q(decision=ReviewDecision.DECLARED) | Q(declaration__isnull=False),
                name="relative_review_declared_has_declaration",
            ),
        ]

    def __str__(self):
        return f"{self.staff} · {self.person} · {self.get_decision_display()}"
