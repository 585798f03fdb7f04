"""People, their support status, stays in facilities, self-care assessments and dispersed support."""
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.text_safety import SafeTextModel
from facilities.models import Facility, Region, RegionVersion

from .ability_rules import AbilityLevel
from .rules import INDICATORS, SelfCare, mask_id_number
from .safety_rules import RiskLevel


class SelfCareCategory(models.TextChoices):
    FULL = SelfCare.FULL.value, _("完全丧失生活自理能力")
    PARTIAL = SelfCare.PARTIAL.value, _("部分丧失生活自理能力")
    SELF_CARE = SelfCare.SELF_CARE.value, _("具备生活自理能力")


class Sex(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class HukouType(models.TextChoices):
    URBAN = "urban", _("城镇")
    RURAL = "rural", _("农村")


class DisabilityCategory(models.TextChoices):
    VISION = "vision", _("视力残疾")
    HEARING = "hearing", _("听力残疾")
    SPEECH = "speech", _("言语残疾")
    PHYSICAL = "physical", _("肢体残疾")
    INTELLECTUAL = "intellectual", _("智力残疾")
    MENTAL = "mental", _("精神残疾")
    MULTIPLE = "multiple", _("多重残疾")


class Person(SafeTextModel):
    name = models.CharField(_("姓名"), max_length=50)
    name_initials = models.CharField(
        _("姓名拼音首字母"), max_length=500, blank=True, editable=False, help_text="common.pinyin.name_initials(name)",
    )
    id_number = models.CharField(_("身份证号码"), max_length=18, unique=True)
    birth_date = models.DateField(_("出生日期"), editable=False)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices, editable=False)
    hukou_region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("户籍地")
    )
    hukou_type = models.CharField(_("户籍类型"), max_length=5, choices=HukouType.choices)
    residence_region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("现居住乡镇（街道）"),
        help_text=_("分散供养人员须填写"),
    )
    address = models.CharField(_("居住地址"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    emergency_contact_name = models.CharField(_("紧急联系人"), max_length=50, blank=True)
    emergency_contact_phone = models.CharField(_("紧急联系人电话"), max_length=30, blank=True)
    disability_category = models.CharField(
        _("残疾类别"), max_length=12, choices=DisabilityCategory.choices, blank=True
    )
    disability_grade = models.PositiveSmallIntegerField(
        _("残疾等级"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text=_("1–4 级，一级最重"),
    )
    photo = models.FileField(_("照片"), upload_to="people/", blank=True)
    # Database defaults too: rows written by SQL (the bench's COPY) need not name them.
    bank_name = models.CharField(_("开户银行"), max_length=50, blank=True, default="", db_default="")
    #: The account number encrypted (common.field_crypto); the page shows only its last four digits.
    bank_account_encrypted = models.TextField(_("银行账号（加密）"), blank=True, editable=False, default="",
                                              db_default="")
    bank_account_tail = models.CharField(_("银行账号后四位"), max_length=4, blank=True, editable=False, default="",
                                         db_default="")
    assessment_due_on = models.DateField(_("下次评估截止日"), null=True, blank=True, editable=False)
    # A reported change of condition (状况变化) not yet assessed: the re-assessment falls due that
    # many working days after the report, counted again when the working-day calendar changes.
    change_reported_on = models.DateField(_("状况变化报告日"), null=True, blank=True, editable=False)
    change_working_days = models.PositiveSmallIntegerField(_("状况变化后复评时限（工作日）"), null=True, blank=True, editable=False)
    assessment_due_provisional = models.BooleanField(
        _("复评期限暂定"), default=False, editable=False,
        help_text=_("期限跨入尚未录入放假安排的年份，暂按周一至周五计算；录入后自动重新计算"),
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at", "name_initials"])

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(disability_grade__isnull=True) | Q(disability_grade__gte=1, disability_grade__lte=4),
                name="person_disability_grade_1_to_4",
            ),
            models.CheckConstraint(
                condition=Q(change_reported_on__isnull=True, change_working_days__isnull=True)
                | Q(change_reported_on__isnull=False, change_working_days__isnull=False),
                name="person_change_report_complete",
            ),
        ]
        indexes = [
            models.Index(fields=["assessment_due_on"]),
            # The list order: a page of a province's 300,000 people reads 25 index entries, not a sort.
            models.Index(fields=["name", "id"], name="person_name_id_idx"),
        ]

    def __str__(self):
        return self.name

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_bank_account(self) -> str:
        return f"**** **** **** {self.bank_account_tail}" if self.bank_account_tail else ""


class SupportKind(models.TextChoices):
    HARDSHIP = "hardship", _("特困人员")
    ORPHAN = "orphan", _("孤儿")
    UNSUPPORTED_CHILD = "unsupported_child", _("事实无人抚养儿童")
    DIBAO = "dibao", _("低保")
    SELF_PAYING = "self_paying", _("自费")


class SupportForm(models.TextChoices):
    CENTRALISED = "centralised", _("集中供养")
    DISPERSED = "dispersed", _("分散供养")


class SupportStatus(SafeTextModel):
    """One period of a kind of support. At most one open period per kind and person."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="statuses", verbose_name=_("人员"))
    kind = models.CharField(_("类别"), max_length=20, choices=SupportKind.choices)
    support_form = models.CharField(_("供养方式"), max_length=12, choices=SupportForm.choices, blank=True)
    confirmed_on = models.DateField(_("认定日期"))
    certificate_number = models.CharField(_("证件编号"), max_length=50, blank=True)
    terminated_on = models.DateField(_("终止日期"), null=True, blank=True)
    termination_reason = models.CharField(_("终止原因"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("救助供养状态")
        verbose_name_plural = _("救助供养状态")
        ordering = ["-confirmed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind"], condition=Q(terminated_on__isnull=True), name="status_one_open_per_kind"
            ),
            models.CheckConstraint(
                condition=Q(terminated_on__isnull=True) | Q(terminated_on__gte=F("confirmed_on")),
                name="status_terminated_after_confirmed",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.person}"


class StayEndReason(models.TextChoices):
    MOVED_HOME = "moved_home", _("回家居住")
    TRANSFERRED = "transferred", _("转至其他机构")
    DIED = "died", _("死亡")
    OTHER = "other", _("其他")


class Stay(SafeTextModel):
    """A person living in a facility from admission to discharge. One active stay per person."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="stays", verbose_name=_("人员"))
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="stays", verbose_name=_("机构"))
    admitted_on = models.DateField(_("入住日期"))
    ended_on = models.DateField(_("离开日期"), null=True, blank=True)
    end_reason = models.CharField(_("离开原因"), max_length=12, choices=StayEndReason.choices, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("入住记录")
        verbose_name_plural = _("入住记录")
        ordering = ["-admitted_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(ended_on__isnull=True), name="stay_one_active_per_person"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("admitted_on")), name="stay_ends_after_admission"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True, end_reason="") | (Q(ended_on__isnull=False) & ~Q(end_reason="")),
                name="stay_end_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["facility", "ended_on"])]

    def __str__(self):
        return f"{self.person} @ {self.facility}"


class AssessmentReason(models.TextChoices):
    INITIAL = "initial", _("首次评估")
    PERIODIC = "periodic", _("定期复评")
    CHANGE_REPORTED = "change_reported", _("状况变化复评")
    REVIEW = "review", _("复核")



class SelfCareAssessment(models.Model):
    """The six indicators of 《特困人员认定办法》; the category is computed from them, or overridden with a reason."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("人员"))
    facility = models.ForeignKey(
        Facility, null=True, blank=True, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("评估时所在机构")
    )
    assessed_on = models.DateField(_("评估日期"))
    eating_unable = models.BooleanField(_("不能自主吃饭"), default=False)
    dressing_unable = models.BooleanField(_("不能自主穿衣"), default=False)
    transfer_unable = models.BooleanField(_("不能自主上下床"), default=False)
    toileting_unable = models.BooleanField(_("不能自主如厕"), default=False)
    walking_unable = models.BooleanField(_("不能室内自主行走"), default=False)
    bathing_unable = models.BooleanField(_("不能自主洗澡"), default=False)
    computed_category = models.CharField(_("按指标计算的类别"), max_length=10, choices=SelfCareCategory.choices)
    override_category = models.CharField(_("评估人调整后的类别"), max_length=10, choices=SelfCareCategory.choices, blank=True)
    override_reason = models.CharField(_("调整理由"), max_length=300, blank=True)
    category = models.CharField(_("生活自理能力"), max_length=10, choices=SelfCareCategory.choices)
    assessors = models.CharField(_("评估人"), max_length=100)
    reason = models.CharField(_("评估原因"), max_length=20, choices=AssessmentReason.choices)
    due_on = models.DateField(
        _("复评截止日"), editable=False,
        help_text=_("评估在此日（含）之前有效：按评估时所在区划的复评周期计算，报告状况变化后提前到复评时限"),
    )
    due_provisional = models.BooleanField(
        _("复评期限暂定"), default=False, editable=False,
        help_text=_("期限跨入尚未录入放假安排的年份，暂按周一至周五计算；录入后自动重新计算"),
    )
    change_reported_on = models.DateField(_("状况变化报告日"), null=True, blank=True, editable=False)
    change_working_days = models.PositiveSmallIntegerField(
        _("状况变化后复评时限（工作日）"), null=True, blank=True, editable=False
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("录入人")
    )
    recorded_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    history = HistoricalRecords()

    INDICATOR_FIELDS = tuple(f"{key}_unable" for key, _label in INDICATORS)

    class Meta:
        verbose_name = _("生活自理能力评估")
        verbose_name_plural = _("生活自理能力评估")
        ordering = ["-assessed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(override_category="") | ~Q(override_reason=""), name="assessment_override_has_reason"
            ),
        ]
        # The latest assessment of a person (on a day) is the first entry of this index: the census
        # and the resident list look it up without sorting.
        indexes = [models.Index(fields=["person", "-assessed_on", "-id"], name="assessment_person_latest_idx")]

    def __str__(self):
        return f"{self.person} · {self.assessed_on:%Y-%m-%d} · {self.get_category_display()}"

    @property
    def unable_count(self) -> int:
        return sum(getattr(self, name) for name in self.INDICATOR_FIELDS)


class AbilityLevelChoice(models.TextChoices):
    INTACT = AbilityLevel.INTACT.value, _("能力完好")
    MILD = AbilityLevel.MILD.value, _("轻度失能")
    MODERATE = AbilityLevel.MODERATE.value, _("中度失能")
    SEVERE = AbilityLevel.SEVERE.value, _("重度失能")
    TOTAL = AbilityLevel.TOTAL.value, _("完全失能")


class AbilityScale(RegionVersion):
    """A version of the GB/T 42195 item table."""

    items = models.JSONField(_("评估项目"), help_text=_("每项：编号、一级指标、名称、选项（分值与说明）"))
    stack_raises = models.BooleanField(
        _("精神障碍与风险事件分别提级"), default=False,
        help_text=_("同时存在精神障碍诊断和近30天两次及以上风险事件时，是否提高两级（默认只提高一级）"),
    )
    reassessment_months = models.PositiveSmallIntegerField(
        _("复评周期（月）"), default=12, validators=[MinValueValidator(1), MaxValueValidator(36)]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("老年人能力评估量表")
        verbose_name_plural = _("老年人能力评估量表")
        ordering = ["-effective_from", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["region", "effective_from"], condition=Q(region__isnull=False),
                                    name="ability_scale_one_per_region_day"),
            models.UniqueConstraint(fields=["effective_from"], condition=Q(region__isnull=True),
                                    name="ability_scale_one_national_per_day"),
        ]


class LtcAssessment(SafeTextModel):
    """A long-term-care insurance disability assessment (长期护理保险失能等级评估) by the medical-insurance
    side, recorded with its source. Where the region accepts such results (采信, RegionPolicy) when it is
    recorded, it stands in for an own GB/T 42195 assessment until `valid_until`."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="ltc_assessments",
                               verbose_name=_("人员"))
    facility = models.ForeignKey(Facility, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("录入时所在机构"))
    source = models.CharField(_("评估机构与结论文号"), max_length=200)
    ltc_level = models.PositiveSmallIntegerField(_("长护险失能等级"), validators=[MaxValueValidator(5)])
    level = models.CharField(_("对应能力等级"), max_length=10, choices=AbilityLevelChoice.choices)
    assessed_on = models.DateField(_("评估日期"))
    valid_until = models.DateField(_("有效期至"))
    accepted = models.BooleanField(_("采信"), help_text=_("录入时所在区划是否采信长护险评估结果"))
    notes = models.TextField(_("备注"), max_length=1000, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("录入人"))
    recorded_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("长护险失能评估结果")
        verbose_name_plural = _("长护险失能评估结果")
        ordering = ["-assessed_on", "-id"]
        indexes = [models.Index(fields=["person", "-assessed_on"])]
        constraints = [models.CheckConstraint(condition=Q(valid_until__gt=F("assessed_on")),
                                              name="ltc_valid_after_assessed")]

    def __str__(self):
        return f"{self.person} · {self.assessed_on:%Y-%m-%d} · {self.ltc_level}"


class AbilityAssessment(SafeTextModel):
    """老年人能力评估 (GB/T 42195-2022) of any resident: the 26 items' scores, the preliminary level from the
    total, the standard's adjustments and the final level, by two assessors. Beside the self-care assessment
    of 特困 support, which prices claims and counts for staffing; each has its own due date."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="ability_assessments",
                               verbose_name=_("人员"))
    facility = models.ForeignKey(
        Facility, null=True, blank=True, on_delete=models.PROTECT, related_name="ability_assessments",
        verbose_name=_("评估时所在机构"),
    )
    scale = models.ForeignKey(AbilityScale, on_delete=models.PROTECT, related_name="assessments",
                              verbose_name=_("评估量表"))
    assessed_on = models.DateField(_("评估日期"))
    reason = models.CharField(_("评估原因"), max_length=20, choices=AssessmentReason.choices)
    answers = models.JSONField(_("各项得分"))
    self_care = models.PositiveSmallIntegerField(_("自理能力得分"))
    movement = models.PositiveSmallIntegerField(_("基础运动能力得分"))
    mental = models.PositiveSmallIntegerField(_("精神状态得分"))
    sensory_social = models.PositiveSmallIntegerField(_("感知觉与社会参与得分"))
    total = models.PositiveSmallIntegerField(_("总分"))
    preliminary_level = models.CharField(_("初步等级"), max_length=10, choices=AbilityLevelChoice.choices)
    coma = models.BooleanField(_("处于昏迷状态"), default=False)
    mental_disorder = models.BooleanField(_("确诊精神障碍（F00–F99）"), default=False)
    diagnosis = models.CharField(_("诊断"), max_length=200, blank=True, help_text=_("疾病名称及ICD-10编码"))
    risk_events_30d = models.PositiveSmallIntegerField(
        _("近30天风险事件次数"), default=0, validators=[MaxValueValidator(99)],
        help_text=_("跌倒、噎食、自杀、自伤、走失等"),
    )
    level = models.CharField(_("能力等级"), max_length=10, choices=AbilityLevelChoice.choices)
    assessor = models.CharField(_("评估员"), max_length=50)
    second_assessor = models.CharField(_("第二评估员"), max_length=50)
    due_on = models.DateField(_("复评截止日"))
    notes = models.TextField(_("备注"), max_length=2000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("录入人")
    )
    recorded_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("老年人能力评估")
        verbose_name_plural = _("老年人能力评估")
        ordering = ["-assessed_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(total__lte=90), name="ability_total_at_most_90"),
            models.CheckConstraint(condition=Q(mental_disorder=False) | ~Q(diagnosis=""),
                                   name="ability_disorder_has_diagnosis"),
        ]
        indexes = [models.Index(fields=["person", "-assessed_on", "-id"], name="ability_person_latest_idx")]

    def __str__(self):
        return f"{self.person} · {self.assessed_on:%Y-%m-%d} · {self.get_level_display()}"


class RiskLevelChoice(models.TextChoices):
    NONE = RiskLevel.NONE.value, _("无风险")
    LOW = RiskLevel.LOW.value, _("低风险")
    MEDIUM = RiskLevel.MEDIUM.value, _("中风险")
    HIGH = RiskLevel.HIGH.value, _("高风险")


class SafetyRiskCatalogue(RegionVersion):
    """A version of the service-safety risks (GB 38600-2019's nine, or a province's own list). The review
    interval and the time to tell a family of an incident are the region's (RegionPolicy)."""

    items = models.JSONField(_("风险项目"), help_text=_("每项：编号、名称、条款、提示"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("服务安全风险目录")
        verbose_name_plural = _("服务安全风险目录")
        ordering = ["-effective_from", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["region", "effective_from"], condition=Q(region__isnull=False),
                                    name="safety_catalogue_one_per_region_day"),
            models.UniqueConstraint(fields=["effective_from"], condition=Q(region__isnull=True),
                                    name="safety_catalogue_one_national_per_day"),
        ]


class SafetyAssessmentReason(models.TextChoices):
    ADMISSION = "admission", _("入住前评估")
    PERIODIC = "periodic", _("定期复评")
    AFTER_INCIDENT = "after_incident", _("发生事件后复评")
    CONDITION_CHANGE = "condition_change", _("身体状况变化复评")


class SafetyRiskAssessment(SafeTextModel):
    """服务安全风险评估 (GB 38600-2019 ch. 5) of a resident: each risk of the catalogue rated, with the
    measures taken, and the self-care standing at the time, so a later change calls for a review."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="safety_assessments",
                               verbose_name=_("人员"))
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="safety_assessments",
                                 verbose_name=_("机构"))
    catalogue = models.ForeignKey(SafetyRiskCatalogue, on_delete=models.PROTECT, related_name="assessments",
                                  verbose_name=_("风险目录"))
    assessed_on = models.DateField(_("评估日期"))
    reason = models.CharField(_("评估原因"), max_length=20, choices=SafetyAssessmentReason.choices)
    ratings = models.JSONField(_("各项风险"), help_text=_("风险编号 → 等级与防范措施"))
    highest = models.CharField(_("最高风险等级"), max_length=10, choices=RiskLevelChoice.choices)
    self_care_then = models.CharField(_("评估时生活自理能力"), max_length=10, blank=True,
                                      choices=SelfCareCategory.choices)
    ability_then = models.CharField(_("评估时能力等级"), max_length=10, blank=True,
                                    choices=AbilityLevelChoice.choices)
    assessor = models.CharField(_("评估人"), max_length=50)
    due_on = models.DateField(_("复评截止日"))
    notes = models.TextField(_("备注"), max_length=2000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("录入人")
    )
    recorded_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("服务安全风险评估")
        verbose_name_plural = _("服务安全风险评估")
        ordering = ["-assessed_on", "-id"]
        indexes = [models.Index(fields=["person", "-assessed_on", "-id"], name="safety_person_latest_idx")]

    def __str__(self):
        return f"{self.person} · {self.assessed_on:%Y-%m-%d} · {self.get_highest_display()}"


class IncidentHarm(models.TextChoices):
    NONE = "none", _("未造成伤害")
    MINOR = "minor", _("轻微伤害")
    TREATED = "treated", _("需就医治疗")
    SERIOUS = "serious", _("严重伤害")
    DEATH = "death", _("死亡")


class SafetyIncident(SafeTextModel):
    """A safety incident in a facility (a fall, wandering off, choking, a scald…): when and where, the harm,
    what was done, when the family was told against the region's deadline, and the review afterwards."""

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="safety_incidents",
                                 verbose_name=_("机构"))
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="safety_incidents", verbose_name=_("涉及的老年人"))
    kind = models.CharField(_("事件类别"), max_length=30, help_text=_("风险目录的编号，或 other"))
    kind_name = models.CharField(_("事件类别名称"), max_length=50)
    occurred_at = models.DateTimeField(_("发生时间"))
    place = models.CharField(_("发生地点"), max_length=100)
    harm = models.CharField(_("伤害程度"), max_length=10, choices=IncidentHarm.choices)
    description = models.TextField(_("经过"), max_length=4000)
    actions = models.TextField(_("处置措施"), max_length=4000)
    notice_due_at = models.DateTimeField(_("告知家属截止时间"))
    family_notified_at = models.DateTimeField(_("告知家属时间"), null=True, blank=True)
    family_notified = models.CharField(_("告知对象"), max_length=100, blank=True)
    review = models.TextField(_("原因分析与改进措施"), max_length=4000, blank=True)
    reviewed_on = models.DateField(_("复盘日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("录入人")
    )
    recorded_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("安全事件")
        verbose_name_plural = _("安全事件")
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(family_notified_at__isnull=True) | ~Q(family_notified=""),
                                   name="incident_notice_names_whom"),
            models.CheckConstraint(condition=Q(reviewed_on__isnull=True) | ~Q(review=""),
                                   name="incident_review_has_text"),
        ]
        indexes = [
            models.Index(fields=["facility", "-occurred_at"], name="incident_facility_time_idx"),
            models.Index(fields=["person", "-occurred_at"], name="incident_person_time_idx"),
        ]

    def __str__(self):
        return f"{self.facility} · {self.occurred_at:%Y-%m-%d %H:%M} · {self.kind_name}"


class RoundKind(models.TextChoices):
    ROUND = "round", _("巡查")
    HANDOVER = "handover", _("交接班")


class SafetyRound(SafeTextModel):
    """A day or night round (昼夜巡查) or a shift handover (交接班) in one unit of a facility (GB 38600-2019
    asks for both to be done and recorded): when, by whom, to whom for a handover, what was found."""

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="safety_rounds",
                                 verbose_name=_("机构"))
    unit = models.CharField(_("区域"), max_length=50, help_text=_("楼层、区或房间段，如：一楼A区"))
    kind = models.CharField(_("类别"), max_length=10, choices=RoundKind.choices)
    at = models.DateTimeField(_("时间"))
    staff = models.CharField(_("巡查人或交班人"), max_length=50)
    received_by = models.CharField(_("接班人"), max_length=50, blank=True)
    findings = models.TextField(_("发现与处理"), max_length=2000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("录入人")
    )
    recorded_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("巡查与交接班")
        verbose_name_plural = _("巡查与交接班")
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind="round") | ~Q(received_by=""), name="handover_names_receiver"),
        ]
        indexes = [models.Index(fields=["facility", "at"], name="round_facility_time_idx")]

    def __str__(self):
        return f"{self.facility} · {self.unit} · {self.get_kind_display()} · {self.at:%Y-%m-%d %H:%M}"


class CareAgreement(models.Model):
    """分散供养照料服务协议: who looks after a person living at home, signed and valid until."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="care_agreements", verbose_name=_("人员"))
    caregiver_name = models.CharField(_("照料人"), max_length=50)
    caregiver_relation = models.CharField(_("与供养人员关系"), max_length=30, blank=True)
    caregiver_phone = models.CharField(_("照料人电话"), max_length=30, blank=True)
    township_party = models.CharField(_("乡镇（街道）签约方"), max_length=100)
    signed_on = models.DateField(_("签订日期"))
    valid_until = models.DateField(_("有效期至"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("照料服务协议")
        verbose_name_plural = _("照料服务协议")
        ordering = ["-signed_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__gte=F("signed_on")), name="agreement_valid_after_signing"),
        ]

    def __str__(self):
        return f"{self.person} · {self.caregiver_name}"


class VisitMode(models.TextChoices):
    HOME = "home", _("入户探访")
    PHONE = "phone", _("电话探访")
    VIDEO = "video", _("视频探访")


class Visit(models.Model):
    """探访: a visit to a person under dispersed support."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="visits", verbose_name=_("人员"))
    visited_on = models.DateField(_("探访日期"))
    visitor = models.CharField(_("探访人"), max_length=100)
    mode = models.CharField(_("探访方式"), max_length=10, choices=VisitMode.choices)
    findings = models.TextField(_("探访情况"), max_length=2000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("录入人")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("探访记录")
        verbose_name_plural = _("探访记录")
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["person", "-visited_on"])]

    def __str__(self):
        return f"{self.person} · {self.visited_on:%Y-%m-%d}"


# --- custody of residents' money and goods (特殊救助对象款物代管) ----------------------------------


class CustodyKind(models.TextChoices):
    DEPOSIT = "deposit", _("存入")
    WITHDRAWAL = "withdrawal", _("支取")


class CustodyHolding(models.TextChoices):
    """What kind of holding an entry moves; each has its own running balance."""

    POCKET_MONEY = "pocket_money", _("零用钱")
    PENSION = "pension", _("养老金")
    SUBSIDY = "subsidy", _("补贴")
    GOODS = "goods", _("物品")
    OTHER = "other", _("其他")


class Confirmer(models.TextChoices):
    SELF = "self", _("本人")
    GUARDIAN = "guardian", _("监护人")


class CustodyAccount(models.Model):
    """代管账户: what one facility holds for one resident. Every entry locks this row first
    (select_for_update), so two withdrawals at once are serialised and cannot overdraw it.

    A resident who moves to another facility gets a new account there: the old facility records a
    withdrawal (handed over) and the new one a deposit, each with its own receipt.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="custody_accounts", verbose_name=_("人员"))
    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="custody_accounts", verbose_name=_("代管机构")
    )
    opened_at = models.DateTimeField(_("开立时间"), auto_now_add=True)
    entry_count = models.PositiveIntegerField(_("记录条数"), default=0, editable=False)

    class Meta:
        verbose_name = _("代管账户")
        verbose_name_plural = _("代管账户")
        ordering = ["facility", "person__name", "id"]
        constraints = [models.UniqueConstraint(fields=["person", "facility"], name="custody_account_one_per_facility")]

    def __str__(self):
        return f"{self.person} @ {self.facility}"


class CustodyEntry(SafeTextModel):
    """One line of the ledger. Append-only: never updated or deleted (the services offer no way to,
    the admin does not list it, and database triggers refuse UPDATE and DELETE), so simple-history
    would only ever repeat the row itself; who recorded it and when are fields of the row. A mistake
    is corrected by a reversal entry that points at the entry it corrects and says why.

    `balance_after` is the balance of this entry's holding in the account after it, computed under
    the account's row lock; the database refuses a negative one.
    """

    account = models.ForeignKey(CustodyAccount, on_delete=models.PROTECT, related_name="entries", verbose_name=_("代管账户"))
    sequence = models.PositiveIntegerField(_("序号"))
    kind = models.CharField(_("收支"), max_length=10, choices=CustodyKind.choices)
    holding = models.CharField(_("款物类别"), max_length=12, choices=CustodyHolding.choices)
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2, help_text=_("物品填写估值"))
    balance_after = models.DecimalField(_("该类余额（元）"), max_digits=12, decimal_places=2, editable=False)
    occurred_on = models.DateField(_("发生日期"))
    description = models.CharField(_("摘要 / 物品名称"), max_length=200, blank=True)
    quantity = models.PositiveIntegerField(_("数量"), null=True, blank=True)
    purpose = models.CharField(_("支取用途"), max_length=200, blank=True)
    receipt_number = models.CharField(_("票据（收据）号"), max_length=50, blank=True)
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by", verbose_name=_("更正的记录")
    )
    reason = models.CharField(_("更正原因"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("录入人")
    )
    recorded_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("代管款物记录")
        verbose_name_plural = _("代管款物记录")
        ordering = ["account", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["account", "sequence"], name="custody_entry_sequence_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="custody_entry_amount_positive"),
            models.CheckConstraint(condition=Q(balance_after__gte=0), name="custody_entry_balance_not_negative"),
            models.CheckConstraint(
                condition=Q(reverses__isnull=True) | ~Q(reason=""), name="custody_reversal_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(kind="deposit") | Q(reverses__isnull=False) | ~Q(purpose=""),
                name="custody_withdrawal_has_purpose",
            ),
        ]
        indexes = [models.Index(fields=["account", "holding", "-sequence"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.get_holding_display()} {self.amount}"

    @property
    def signed_amount(self):
        return self.amount if self.kind == CustodyKind.DEPOSIT else -self.amount


class CustodyConfirmation(models.Model):
    """The resident's or guardian's confirmation of an entry (签字确认), recorded with the entry or
    later. Append-only like the entries: one per entry, never changed (database triggers)."""

    entry = models.OneToOneField(
        CustodyEntry, on_delete=models.PROTECT, related_name="confirmation", verbose_name=_("代管款物记录")
    )
    confirmer = models.CharField(_("确认人身份"), max_length=10, choices=Confirmer.choices)
    confirmer_name = models.CharField(_("确认人姓名"), max_length=50)
    confirmed_on = models.DateField(_("确认日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("录入人")
    )
    recorded_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("代管款物确认")
        verbose_name_plural = _("代管款物确认")

    def __str__(self):
        return f"{self.get_confirmer_display()} {self.confirmer_name} · {self.confirmed_on:%Y-%m-%d}"


class CustodySampling(models.Model):
    """抽查: an inspector draws N ledgers of a facility at random. The seed and the population size are
    kept, so anyone can draw again from the same accounts and get the same residents."""

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="custody_samplings", verbose_name=_("机构"))
    drawn_on = models.DateField(_("抽查日期"))
    size = models.PositiveSmallIntegerField(_("抽查份数"))
    population = models.PositiveIntegerField(_("账户总数"))
    seed = models.BigIntegerField(_("随机种子"))
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("抽查人"))
    drawn_at = models.DateTimeField(_("抽取时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("代管款物抽查")
        verbose_name_plural = _("代管款物抽查")
        ordering = ["-drawn_at", "-id"]

    def __str__(self):
        return f"{self.facility} · {self.drawn_on:%Y-%m-%d}"


class SampleResult(models.TextChoices):
    CONSISTENT = "consistent", _("账实相符")
    DISCREPANCY = "discrepancy", _("账实不符")
    UNCONFIRMED = "unconfirmed", _("缺少本人或监护人确认")


class CustodySample(models.Model):
    """One sampled ledger and the inspector's check note on it (with its change history)."""

    sampling = models.ForeignKey(CustodySampling, on_delete=models.CASCADE, related_name="samples", verbose_name=_("抽查"))
    account = models.ForeignKey(CustodyAccount, on_delete=models.PROTECT, related_name="samples", verbose_name=_("代管账户"))
    position = models.PositiveSmallIntegerField(_("抽取顺序"))
    result = models.CharField(_("核查结论"), max_length=12, choices=SampleResult.choices, blank=True)
    note = models.TextField(_("核查意见"), max_length=2000, blank=True)
    checked_on = models.DateField(_("核查日期"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("核查人")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("抽查核查意见")
        verbose_name_plural = _("抽查核查意见")
        ordering = ["sampling", "position"]
        constraints = [
            models.UniqueConstraint(fields=["sampling", "account"], name="custody_sample_once_per_sampling"),
            models.CheckConstraint(
                condition=Q(result="") | Q(checked_on__isnull=False), name="custody_sample_checked_has_date"
            ),
        ]

    def __str__(self):
        return f"{self.sampling} · {self.position}"


# --- public notices (公示) ---------------------------------------------------------------------


class NoticeChange(models.TextChoices):
    CONFIRMED = "confirmed", _("新增认定")
    TERMINATED = "terminated", _("终止供养")


class Notice(SafeTextModel):
    """公示: the special-hardship people of a township newly confirmed or terminated in a period, as
    posted. The list is frozen when the notice is created (NoticeEntry rows); minors never appear."""

    township = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("乡镇（街道）"))
    period_start = models.DateField(_("统计期间起"))
    period_end = models.DateField(_("统计期间止"))
    posted_on = models.DateField(_("张贴日期"))
    ends_on = models.DateField(_("公示期截止"), editable=False)
    contact = models.CharField(_("异议受理联系方式"), max_length=200)
    minors_withheld = models.PositiveIntegerField(_("未公示的未成年人数"), default=0, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("制作人"))
    created_at = models.DateTimeField(_("制作时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("公示")
        verbose_name_plural = _("公示")
        ordering = ["-posted_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["township", "period_start", "period_end"], name="notice_one_per_period"),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="notice_period_ordered"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("posted_on")), name="notice_ends_after_posting"),
        ]

    def __str__(self):
        return f"{self.township.name} {self.period_start:%Y-%m-%d}–{self.period_end:%Y-%m-%d}"


class NoticeEntry(models.Model):
    """One frozen row of a notice: the name and masked ID number as posted."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="entries", verbose_name=_("公示"))
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("人员"))
    position = models.PositiveIntegerField(_("序号"))
    name = models.CharField(_("姓名"), max_length=50)
    masked_id_number = models.CharField(_("身份证号码（脱敏）"), max_length=18)
    change = models.CharField(_("变动情况"), max_length=12, choices=NoticeChange.choices)
    changed_on = models.DateField(_("变动日期"))

    class Meta:
        verbose_name = _("公示名单")
        verbose_name_plural = _("公示名单")
        ordering = ["notice", "position"]
        constraints = [models.UniqueConstraint(fields=["notice", "position"], name="notice_entry_position_unique")]

    def __str__(self):
        return f"{self.position}. {self.name}"


class NoticeObjection(SafeTextModel):
    """An objection received during the notice period, and how it was handled."""

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="objections", verbose_name=_("公示"))
    entry = models.ForeignKey(
        NoticeEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="objections",
        verbose_name=_("涉及人员"), help_text=_("不选表示对整个名单（例如有人应列入而未列入）"),
    )
    objector = models.CharField(_("异议人"), max_length=50, help_text=_("可填“匿名”"))
    objector_contact = models.CharField(_("异议人联系方式"), max_length=50, blank=True)
    received_on = models.DateField(_("收到日期"))
    content = models.TextField(_("异议内容"), max_length=2000)
    result = models.TextField(_("处理结果"), max_length=2000, blank=True)
    handled_on = models.DateField(_("处理日期"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("处理人")
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记人"))
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["notice", "received_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(result="") | Q(handled_on__isnull=False), name="objection_result_has_date"),
        ]

    def __str__(self):
        return f"{self.notice} · {self.objector}"


class Relation(models.TextChoices):
    """近亲属: the close relatives a worker declares (配偶、父母、子女、兄弟姐妹、祖父母、外祖父母、孙子女、外孙子女, and in-laws)."""

    SPOUSE = "spouse", _("配偶")
    PARENT = "parent", _("父母")
    CHILD = "child", _("子女")
    SIBLING = "sibling", _("兄弟姐妹")
    GRANDPARENT = "grandparent", _("祖父母、外祖父母")
    GRANDCHILD = "grandchild", _("孙子女、外孙子女")
    IN_LAW = "in_law", _("姻亲（配偶的父母、兄弟姐妹，子女的配偶等）")


class RelativeDeclaration(SafeTextModel):
    """近亲属备案: a case officer or member of staff declares a close relative who receives (or may
    apply for) assistance, so that they never act on that relative's case (residents.recusal).

    The declarant is a user (an inspector, clerk or manager: the people who act in the system) and/or
    a member of staff, named by their ID number (staffing.StaffMember.id_number; the staffing app
    depends on this one, not the other way round). The relative is named by ID number too: the
    person may not be registered yet, and is matched to `Person.id_number` whenever they are.
    Declarations are never deleted; one that no longer holds is ended with a reason.
    """

    declarant_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="relative_declarations",
        verbose_name=_("申报人账户"),
    )
    declarant_id_number = models.CharField(
        _("申报人身份证号码"), max_length=18, blank=True, db_index=True, help_text=_("工作人员申报时为其身份证号码"),
    )
    declarant_name = models.CharField(_("申报人"), max_length=50)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("申报人所在区划"))
    facility = models.ForeignKey(
        Facility, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("申报人所在机构"),
    )
    relation = models.CharField(_("关系"), max_length=12, choices=Relation.choices)
    relative_name = models.CharField(_("近亲属姓名"), max_length=50)
    relative_id_number = models.CharField(_("近亲属身份证号码"), max_length=18, db_index=True)
    declared_on = models.DateField(_("申报日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("录入人")
    )
    recorded_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    ended_on = models.DateField(_("撤销日期"), null=True, blank=True)
    end_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("近亲属备案")
        verbose_name_plural = _("近亲属备案")
        ordering = ["-declared_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(declarant_user__isnull=False) | ~Q(declarant_id_number=""), name="declaration_has_declarant",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | (Q(ended_on__gte=F("declared_on")) & ~Q(end_reason="")),
                name="declaration_end_has_reason",
            ),
            models.UniqueConstraint(
                fields=["declarant_user", "relative_id_number"], condition=Q(ended_on__isnull=True, declarant_user__isnull=False),
                name="declaration_one_open_per_user_relative",
            ),
            models.UniqueConstraint(
                fields=["declarant_id_number", "relative_id_number"], condition=Q(ended_on__isnull=True) & ~Q(declarant_id_number=""),
                name="declaration_one_open_per_staff_relative",
            ),
        ]

    def __str__(self):
        return f"{self.declarant_name} · {self.get_relation_display()} · {self.relative_name}"

    @property
    def masked_relative_id_number(self) -> str:
        return mask_id_number(self.relative_id_number)
