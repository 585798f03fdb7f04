"""Region pages: the changes waiting for an administrator's decision (a split, or a successor no
table makes certain), and the children of a region for the cascading pickers."""
from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from common.access import allowed_for

from ..models import DecisionStatus, RegionChange
from ..scoping import is_administrator, user_region_prefix
from . import services as region_services
from .picker import RegionPickerWidget


@allowed_for(is_administrator)  # the division table is reference data for every region
def region_decisions(request):
    """Pending changes with their candidates and what hangs on them; three queries whatever the number."""
    pending = (RegionChange.objects.filter(status=DecisionStatus.PENDING).select_related("region")
               .prefetch_related("candidates").order_by("region_id"))
    recent = (RegionChange.objects.filter(status=DecisionStatus.DECIDED).select_related("region", "decided_by")
              .order_by("-decided_at")[:20])
    rows = [(change, [(_record_label(key), n) for key, n in change.moved.items()]) for change in pending]
    return render(request, "facilities/region_decisions.html", {"rows": rows, "recent": recent})


def _record_label(key: str) -> str:
    """'facilities.Facility.region' → '机构 · 行政区划' (names only: administrators read no personal data)."""
    app_model, field = key.rsplit(".", 1)
    model = apps.get_model(app_model)
    return f"{model._meta.verbose_name} · {model._meta.get_field(field).verbose_name}"


@login_required
@require_POST
@allowed_for(is_administrator)  # the division table is reference data for every region
def region_decide(request, change_id):
    change = get_object_or_404(RegionChange, pk=change_id, status=DecisionStatus.PENDING)
    successor = change.candidates.filter(code=request.POST.get("successor", "")).first()
    if successor is None:
        messages.error(request, _("请从可选继承单位中选择一个 / choose one of the candidate successors"))
        return redirect("region_decisions")
    region_services.decide(change, successor, by=request.user)
    messages.success(request, _("%(old)s 的记录已迁至 %(new)s") % {"old": change.region.full_name, "new": successor.full_name})
    return redirect("region_decisions")


@login_required
@require_GET
def region_picker(request):
    """The picker again after a change, with the next level's units (htmx); scoped to the user unless
    the field is not (a person's household registration may lie anywhere)."""
    name = request.GET.get("name", "")
    if not name.isidentifier():
        return HttpResponseBadRequest()
    widget = RegionPickerWidget(scoped=request.GET.get("scoped") != "0", levels=request.GET.get("levels", "").split(","))
    if widget.scoped:
        scope = user_region_prefix(request.user)
        if scope is None:
            raise PermissionDenied
        widget.scope = scope
    value = widget.value_from_datadict(request.GET, None, name)
    return HttpResponse(widget.render(name, value, {"id": f"id_{name}"}))
