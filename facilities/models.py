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
