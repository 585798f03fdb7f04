"""People, their support status, stays in facilities, self-care assessments and dispersed support."""
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from facilities.models import Facility, Region

from .rules import INDICATORS, SelfCare, mask_id_number


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


class Person(models.Model):
    name = models.CharField(_("姓名"), max_length=50)
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
    assessment_due_on = models.DateField(_("下次评估截止日"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(disability_grade__isnull=True) | Q(disability_grade__gte=1, disability_grade__lte=4),
                name="person_disability_grade_1_to_4",
            ),
        ]
        indexes = [models.Index(fields=["assessment_due_on"])]

    def __str__(self):
        return self.name

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)


class SupportKind(models.TextChoices):
    HARDSHIP = "hardship", _("特困人员")
    ORPHAN = "orphan", _("孤儿")
    UNSUPPORTED_CHILD = "unsupported_child", _("事实无人抚养儿童")
    DIBAO = "dibao", _("低保")
    SELF_PAYING = "self_paying", _("自费")


class SupportForm(models.TextChoices):
    CENTRALISED = "centralised", _("集中供养")
    DISPERSED = "dispersed", _("分散供养")


class SupportStatus(models.Model):
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


class Stay(models.Model):
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
        indexes = [models.Index(fields=["person", "-assessed_on"])]

    def __str__(self):
        return f"{self.person} · {self.assessed_on:%Y-%m-%d} · {self.get_category_display()}"

    @property
    def unable_count(self) -> int:
        return sum(getattr(self, name) for name in self.INDICATOR_FIELDS)


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
