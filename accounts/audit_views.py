"""The access log page: administrators see who read or exported personal data, newest first."""
from datetime import datetime, time, timedelta
from operator import attrgetter

import django_filters
from django import forms
from django.conf import settings
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tables2 import RequestConfig

from common.access import allowed_for
from common.forms import DATE_INPUT, StyledFormMixin

from .models import AccessAction, AccessRecord
from .tables import AccessRecordTable


def _start_of(day):
    """Local midnight (Asia/Shanghai) as an aware datetime, so a date filter keeps the index on `at`."""
    return timezone.make_aware(datetime.combine(day, time.min))


class AccessRecordFilterForm(StyledFormMixin, forms.Form):
    """The filters' form, styled like every other form."""


class AccessRecordFilter(django_filters.FilterSet):
    user = django_filters.CharFilter(label=_("用户"), method="filter_user", max_length=150)
    action = django_filters.ChoiceFilter(label=_("操作"), choices=AccessAction.choices, empty_label=_("全部操作"))
    date_from = django_filters.DateFilter(label=_("起始日期"), method="filter_date_from", widget=DATE_INPUT)
    date_to = django_filters.DateFilter(label=_("截止日期"), method="filter_date_to", widget=DATE_INPUT)
    target = django_filters.CharFilter(label=_("对象"), lookup_expr="icontains", max_length=100)

    class Meta:
        model = AccessRecord
        fields = []
        form = AccessRecordFilterForm

    def filter_user(self, queryset, name, value):
        """The username of the time, or the account's current full name."""
        return queryset.filter(Q(username__icontains=value) | Q(user__full_name__icontains=value))

    def filter_date_from(self, queryset, name, value):
        return queryset.filter(at__gte=_start_of(value))

    def filter_date_to(self, queryset, name, value):
        return queryset.filter(at__lt=_start_of(value + timedelta(days=1)))


@allowed_for(attrgetter("is_administrator"))
def access_record_list(request):
    """Administrators only (403 for other roles, like the other role-restricted pages)."""
    records = AccessRecordFilter(request.GET or None, queryset=AccessRecord.objects.select_related("user"))
    table = AccessRecordTable(records.qs)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    template = "accounts/_access_record_table.html" if request.htmx else "accounts/access_record_list.html"
    return render(request, template, {
        "table": table, "form": records.form, "retention_days": settings.AUDIT_RETENTION_DAYS,
    })
