"""The alerts page: open alerts first, filters, and acknowledgement by the region's inspectors."""
from urllib.parse import urlsplit

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from accounts.notifications.services import alerts_seen
from common.api_fields import MAX_ID
from common.forms import StyledFormMixin, run_service
from common.list_totals import ListPaginator

from ..models import AlertKind
from ..picker import FacilityFilterField, RegionCodeFilterField
from ..scoping import alerts_visible_to, can_acknowledge_alert, capabilities_for, facilities_visible_to
from ..tables import AlertTable
from .selectors import alert_list as alert_list_for
from .services import alert_acknowledge, alerts_acknowledge


class AlertFilterForm(StyledFormMixin, forms.Form):
    state = forms.ChoiceField(
        label=gettext_lazy("状态"), required=False,
        choices=[("open", gettext_lazy("未解除")), ("resolved", gettext_lazy("已解除")), ("all", gettext_lazy("全部"))],
    )
    kind = forms.ChoiceField(label=gettext_lazy("类型"), required=False, choices=[("", gettext_lazy("全部类型"))] + AlertKind.choices)
    facility = FacilityFilterField()
    region = RegionCodeFilterField()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = facilities_visible_to(user).only("id", "name").order_by("name")


class AcknowledgeForm(StyledFormMixin, forms.Form):
    note = forms.CharField(label=gettext_lazy("确认说明"), max_length=300)


class BulkAcknowledgeForm(StyledFormMixin, forms.Form):
    alerts = forms.TypedMultipleChoiceField(label=gettext_lazy("所选预警"), coerce=int, error_messages={
        "required": gettext_lazy("请至少选择一条预警"),
    })
    note = forms.CharField(
        label=gettext_lazy("确认说明"), max_length=300, help_text=gettext_lazy("写一次，用于所选的每一条预警"),
        error_messages={"required": gettext_lazy("请填写确认说明")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Which ids exist and may be acknowledged is the service's question; the field only reads numbers.
        self.fields["alerts"].valid_value = lambda value: str(value).isdigit() and 0 < int(value) <= MAX_ID


def _list_page(request, query, bulk):
    form = AlertFilterForm(query or None, user=request.user)
    data = form.cleaned_data if form.is_valid() else {}
    facility = data.get("facility")
    alerts = alert_list_for(
        user=request.user, state=data.get("state") or "open", kind=data.get("kind") or "",
        facility_id=facility.pk if facility else None, region=data.get("region") or "",
    )
    table = AlertTable(alerts, user=request.user, picked=set(bulk["alerts"].value() or ()) if bulk.is_bound else set())
    RequestConfig(request, paginate={"per_page": 50, "paginator_class": ListPaginator}).configure(table)
    template = "facilities/_alert_table.html" if request.htmx else "facilities/alert_list.html"
    return render(request, template, {"table": table, "form": form, "bulk": bulk, "list_url": f"{request.path}?{query.urlencode()}"})


@login_required
def alert_list(request):
    response = _list_page(request, request.GET, BulkAcknowledgeForm(auto_id="bulk_%s"))
    if not request.htmx:
        alerts_seen(user=request.user)  # what is open now is no longer "new" on the home and notifications pages
    return response


@login_required
@require_POST
def alert_acknowledge_many(request):
    """Several alerts of the list acknowledged with one note, back to the same filtered page; a refusal
    shows that page again with the note and the ticks kept, and the reason beside the field."""
    if not capabilities_for(request.user).acknowledge_alerts:
        raise PermissionDenied
    form = BulkAcknowledgeForm(request.POST, auto_id="bulk_%s")
    query = QueryDict(urlsplit(request.POST.get("next", "")).query)
    done = form.is_valid() and run_service(form, lambda: alerts_acknowledge(
        by=request.user, alert_ids=form.cleaned_data["alerts"], note=form.cleaned_data["note"],
    ))
    if not done:
        return _list_page(request, query, form)
    messages.success(request, ngettext("已确认 %(n)d 条预警", "已确认 %(n)d 条预警", done.acknowledged) % {"n": done.acknowledged} + (
        ngettext("；%(n)d 条此前已确认，保留原说明", "；%(n)d 条此前已确认，保留原说明", done.skipped) % {"n": done.skipped}
        if done.skipped else ""
    ))
    return redirect(f"{reverse('alert_list')}?{query.urlencode()}" if query else reverse("alert_list"))


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


