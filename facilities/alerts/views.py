"""The alerts page: open alerts first, filters, and acknowledgement by the region's inspectors."""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tables2 import RequestConfig

from common.forms import StyledFormMixin, run_service
from common.list_totals import ListPaginator

from ..models import AlertKind
from ..picker import FacilityFilterField
from ..rules import region_scope_prefix
from ..scoping import alerts_visible_to, can_acknowledge_alert, facilities_visible_to
from ..selectors import region_code_q
from ..tables import AlertTable
from .services import alert_acknowledge, alerts_in_display_order


class AlertFilterForm(StyledFormMixin, forms.Form):
    state = forms.ChoiceField(
        label=gettext_lazy("状态"), required=False,
        choices=[("open", gettext_lazy("未解除")), ("resolved", gettext_lazy("已解除")), ("all", gettext_lazy("全部"))],
    )
    kind = forms.ChoiceField(label=gettext_lazy("类型"), required=False, choices=[("", gettext_lazy("全部类型"))] + AlertKind.choices)
    facility = FacilityFilterField()
    region = forms.CharField(label=gettext_lazy("区划代码"), required=False, max_length=9)

    def clean_region(self):
        code = self.cleaned_data["region"].strip()
        if code:
            try:
                region_scope_prefix(code)
            except ValueError as exc:
                raise forms.ValidationError(str(exc)) from exc
        return code

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = facilities_visible_to(user).only("id", "name").order_by("name")


class AcknowledgeForm(StyledFormMixin, forms.Form):
    note = forms.CharField(label=gettext_lazy("确认说明"), max_length=300)


@login_required
def alert_list(request):
    form = AlertFilterForm(request.GET or None, user=request.user)
    alerts = alerts_visible_to(request.user).select_related("facility", "region", "acknowledged_by")
    data = form.cleaned_data if form.is_valid() else {}
    state = data.get("state") or "open"
    if state == "open":
        alerts = alerts.filter(resolved_at__isnull=True)
    elif state == "resolved":
        alerts = alerts.filter(resolved_at__isnull=False)
    if data.get("kind"):
        alerts = alerts.filter(kind=data["kind"])
    if data.get("facility"):
        alerts = alerts.filter(facility=data["facility"])
    if data.get("region"):
        alerts = alerts.filter(region_code_q(data["region"]))  # an abolished county's code finds what moved
    table = AlertTable(alerts_in_display_order(alerts), user=request.user)
    RequestConfig(request, paginate={"per_page": 50, "paginator_class": ListPaginator}).configure(table)
    template = "facilities/_alert_table.html" if request.htmx else "facilities/alert_list.html"
    return render(request, template, {"table": table, "form": form})


@login_required
def alert_acknowledge_view(request, alert_id):
    alert = get_object_or_404(alerts_visible_to(request.user).select_related("facility"), pk=alert_id)
    form = AcknowledgeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and run_service(form, lambda: alert_acknowledge(by=request.user, alert=alert, note=form.cleaned_data["note"])) is not None:
        messages.success(request, _("预警已确认"))
        return redirect("alert_list")
    return render(request, "facilities/alert_acknowledge.html", {
        "form": form, "alert": alert, "allowed": can_acknowledge_alert(request.user, alert),
    })


