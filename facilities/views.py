"""Web pages of the facility registry and the role-aware home page."""
from dataclasses import asdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from django_tables2 import RequestConfig

from accounts.audit import access_record
from accounts.models import AccessAction
from common.access import allowed_for
from common.choices import options_html
from common.history import change_history
from common.list_totals import ListPaginator
from common.params import id_param

from . import services
from .exports import facilities_csv
from .forms import FacilityContactForm, FacilityFilterForm, FacilityForm
from .picker import OPTIONS_LIMIT
from .scoping import (
    alerts_visible_to,
    can_edit_facility,
    can_edit_facility_contact,
    can_register_facilities,
)
from .selectors import FacilityFilters, facility_choices, facility_get_for_user, facility_list
from .tables import FacilityTable


def _filters(form) -> FacilityFilters:
    if not form.is_valid():
        return FacilityFilters()
    return FacilityFilters(
        **{name: form.cleaned_data.get(name) or "" for name in ("region", "kind", "operator", "status", "q")},
        level=form.cleaned_data.get("level"),
    )


@login_required
def facility_list_view(request):
    form = FacilityFilterForm(request.GET or None, user=request.user)
    facilities = facility_list(user=request.user, filters=_filters(form))
    table = FacilityTable(facilities)
    RequestConfig(request, paginate={"per_page": 25, "paginator_class": ListPaginator}).configure(table)
    if request.GET.get("export") == "csv":
        rows = list(table.data.data)
        response = facilities_csv(rows, filename="facilities.csv")
        filters = ", ".join(f"{name}={value}" for name, value in asdict(_filters(form)).items() if value not in ("", None))
        access_record(
            request=request, action=AccessAction.EXPORT, target="facility_list",
            detail=gettext_lazy("机构名册 CSV，%(rows)s 行；筛选：%(filters)s"),
            params={"rows": len(rows), "filters": filters or gettext_lazy("无")},
        )
        return response
    template = "facilities/_facility_table.html" if request.htmx else "facilities/facility_list.html"
    return render(
        request,
        template,
        {"table": table, "form": form, "can_create": can_register_facilities(request.user)},
    )


@login_required
@require_GET
def facility_options(request):
    """The options of a facility filter's select for what was typed in its search box (facilities.picker)."""
    field = request.GET.get("field", "facility")
    selected = id_param(request.GET.get(field), name=field)
    required = bool(request.GET.get("required"))
    rows = facility_choices(user=request.user, q=request.GET.get("q", "")[:50], selected=selected, limit=OPTIONS_LIMIT,
                            labelled=required)
    choices = [("", _("请选择机构") if required else _("全部机构")), *rows]
    if not rows:
        choices.append(("", _("没有匹配的机构")))
    return HttpResponse(options_html(choices, {str(selected or "")}))


@login_required
def facility_detail(request, facility_id):
    facility = facility_get_for_user(user=request.user, facility_id=facility_id)
    residents = facility.stays.filter(ended_on__isnull=True).count()
    return render(
        request,
        "facilities/facility_detail.html",
        {
            "facility": facility,
            "residents": residents,
            "occupancy_percent": round(100 * residents / facility.bed_capacity) if facility.bed_capacity else 0,
            "open_alerts": list(
                alerts_visible_to(request.user).filter(facility=facility, resolved_at__isnull=True).order_by("-opened_at")[:20]
            ),
            "history": change_history(facility),
            "can_edit": can_edit_facility(request.user, facility),
            "can_edit_contact": can_edit_facility_contact(request.user, facility),
        },
    )


@allowed_for(can_register_facilities)
def facility_create(request):
    form = FacilityForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            facility = services.facility_create(by=request.user, **form.cleaned_data)
        except PermissionDenied as exc:
            form.add_error("region", str(exc))
        else:
            messages.success(request, _("机构已登记"))
            return redirect("facility_detail", facility_id=facility.pk)
    return render(request, "facilities/facility_form.html", {"form": form, "title": _("登记机构")})


@login_required
def facility_edit(request, facility_id):
    facility = facility_get_for_user(user=request.user, facility_id=facility_id)
    if can_edit_facility(request.user, facility):
        form = FacilityForm(request.POST or None, instance=facility, user=request.user)
        save = services.facility_update
    elif can_edit_facility_contact(request.user, facility):
        form = FacilityContactForm(request.POST or None, instance=facility)
        save = services.facility_update_contact
    else:
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        save(by=request.user, facility=facility, **form.cleaned_data)
        messages.success(request, _("已保存修改"))
        return redirect("facility_detail", facility_id=facility.pk)
    return render(
        request, "facilities/facility_form.html", {"form": form, "facility": facility, "title": _("修改机构信息")}
    )
