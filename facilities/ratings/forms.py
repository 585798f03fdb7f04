"""The form an inspector fills in after a star-rating evaluation (GB/T 37276-2018)."""
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import StyledFormMixin

from ..forms import DATE_INPUT
from ..models import StarRating
from ..rules import SECTION_MAXIMA

REPORT_MAX_BYTES = 10 * 1024 * 1024
SECTIONS = tuple(SECTION_MAXIMA)  # environment, equipment, management, service
_HALF = Decimal("0.5")


def _score_field(section: str) -> forms.DecimalField:
    maximum = SECTION_MAXIMA[section]
    return forms.DecimalField(
        label=StarRating._meta.get_field(section).verbose_name,
        min_value=0, max_value=maximum, max_digits=4, decimal_places=1,
        widget=forms.NumberInput(attrs={
            "step": "0.5", "min": "0", "max": str(maximum), "inputmode": "decimal", "class": "score-input",
            "autocomplete": "off",
        }),
    )


class RatingForm(StyledFormMixin, forms.Form):
    rated_on = forms.DateField(label=_("评定日期"), widget=DATE_INPUT, help_text=_("格式 YYYY-MM-DD，不能晚于今天"))
    environment = _score_field("environment")
    equipment = _score_field("equipment")
    management = _score_field("management")
    service = _score_field("service")
    evaluators = forms.CharField(label=_("评定人员"), max_length=200, help_text=_("多人用顿号分隔"))
    certificate_number = forms.CharField(label=_("证书编号"), max_length=50, required=False)
    report = forms.FileField(
        label=_("评定报告"), required=False, help_text=_("可选，PDF 文件，不超过 10 MB"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def score_fields(self):
        return [self[name] for name in SECTIONS]

    def detail_fields(self):
        return [self[name] for name in ("evaluators", "certificate_number", "report")]

    def _clean_score(self, name):
        value = self.cleaned_data[name]
        if value is not None and value % _HALF:
            raise forms.ValidationError(_("得分以 0.5 分为单位"))
        return value

    def clean_environment(self):
        return self._clean_score("environment")

    def clean_equipment(self):
        return self._clean_score("equipment")

    def clean_management(self):
        return self._clean_score("management")

    def clean_service(self):
        return self._clean_score("service")

    def clean_report(self):
        report = self.cleaned_data.get("report")
        if not report:
            return None
        if report.size > REPORT_MAX_BYTES:
            raise forms.ValidationError(_("评定报告不能超过 10 MB"))
        head = report.read(5)
        report.seek(0)
        if not head.startswith(b"%PDF"):
            raise forms.ValidationError(_("评定报告须为 PDF 文件"))
        report.name = "report.pdf"  # never keep the uploader's file name or extension
        return report

    def scores(self) -> dict[str, Decimal] | None:
        """The four scores when all are valid (also on a form with other errors), else None."""
        data = getattr(self, "cleaned_data", {})
        values = {name: data.get(name) for name in SECTIONS}
        return values if all(v is not None for v in values.values()) else None


class RatingCorrectionForm(RatingForm):
    """Correct a recorded evaluation: its day stays, the scores, evaluators and certificate change."""

    rated_on = None
    report = None
    reason = forms.CharField(label=_("更正原因"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("写明更正什么、依据什么，记入评定的修改记录"))


class RatingWithdrawalForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("撤销原因"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("例如：评定程序违规、弄虚作假取得等级，记入评定的修改记录"))
