"""Forms of the working-day calendar pages; the checks that need the database live in the services."""
from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import DATE_INPUT, StyledFormMixin

from ..models import HolidayNotice, WorkingDayCalendar, WorkingDayKind


class HolidayNoticeForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("通知标题"), max_length=HolidayNotice._meta.get_field("title").max_length)
    number = forms.CharField(
        label=_("文号"), max_length=HolidayNotice._meta.get_field("number").max_length, required=False,
        help_text=_("如：国办发明电〔2025〕7号"),
    )
    published_on = forms.DateField(label=_("发布日期"), widget=DATE_INPUT, required=False)
    url = forms.URLField(label=_("原文链接"), required=False, assume_scheme="https")


class WorkingDayForm(StyledFormMixin, forms.Form):
    day = forms.DateField(label=_("日期"), widget=DATE_INPUT)
    kind = forms.ChoiceField(label=_("类型"), choices=WorkingDayKind.choices, help_text=_("调休上班日是周末上班的日子"))
    name = forms.CharField(
        label=_("节日"), max_length=WorkingDayCalendar._meta.get_field("name").max_length, help_text=_("如：春节"),
    )
    notice = forms.ModelChoiceField(label=_("放假安排通知"), queryset=None, empty_label=None)

    def __init__(self, *args, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        # A day of a year belongs to that year's notice, or to the next year's (the last days of December).
        self.fields["notice"].queryset = HolidayNotice.objects.filter(year__in=[year, year + 1]).order_by("year")


class CalendarUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV 文件"), help_text=_("UTF-8 或 GBK 编码，不超过 256 KB"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv", "class": "form-control"}),
    )
