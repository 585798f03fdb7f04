"""User management for administrators, outside /admin/ and in the app's look: the list, creating a
user, role and scope, password reset, deactivation, facility assignments, resetting a lost second
factor, and the login log. Every change goes through accounts.services (access-logged)."""
import ipaddress

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import services as account_services
from accounts.login_log import login_events
from accounts.models import User
from common.access import allowed_for
from common.forms import run_service

from ..models import FacilityAssignment
from ..scoping import is_administrator, may_be_assigned_facilities
from ..services import assignment_add
from .forms import AssignmentForm, PasswordResetForm, RoleScopeForm, UserCreateForm, UserFilterForm

administrators_only = allowed_for(is_administrator)  # 403 for every other role

@never_cache
@administrators_only
def user_list(request):
    form = UserFilterForm(request.GET or None)
    users = User.objects.annotate(assignments=Count("facility_assignments")).order_by("username")
    if form.is_valid():
        if form.cleaned_data["q"]:
            q = form.cleaned_data["q"]
            users = users.filter(Q(username__icontains=q) | Q(full_name__icontains=q))
        if form.cleaned_data["role"]:
            users = users.filter(role=form.cleaned_data["role"])
        if form.cleaned_data["active"]:
            users = users.filter(is_active=form.cleaned_data["active"] == "1")
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"form": form, "page": page})


@never_cache
@administrators_only
def user_create(request):
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = run_service(form, lambda: account_services.user_create(
            request=request, username=data["username"], full_name=data["full_name"], phone=data["phone"],
            role=data["role"], region_code=data["region_code"], password=data["password1"],
        ))
        if user is not None:
            messages.success(request, _("账户已创建。用户首次登录后须修改密码。"))
            return redirect("user_detail", user.pk)
    return render(request, "accounts/user_form.html", {"form": form})


def _detail(request, user, **forms):
    context = {
        "account": user,
        "is_self": user.pk == request.user.pk,
        "role_form": forms.get("role_form") or RoleScopeForm(initial={"role": user.role, "region_code": user.region_code}),
        "password_form": forms.get("password_form") or PasswordResetForm(user=user),
        "assignment_form": forms.get("assignment_form") or AssignmentForm(),
        "can_assign_facilities": may_be_assigned_facilities(user),
        "assignments": FacilityAssignment.objects.filter(user=user).select_related("facility__region"),
        "has_second_factor": user.totpdevice_set.filter(confirmed=True).exists(),
        "events": login_events(username=user.username)[:20],
    }
    return render(request, "accounts/user_detail.html", context)


@never_cache
@administrators_only
def user_detail(request, user_id):
    return _detail(request, get_object_or_404(User, pk=user_id))


@administrators_only
@require_POST
def user_role(request, user_id):
    user = get_object_or_404(User, pk=user_id)
    form = RoleScopeForm(request.POST)
    if form.is_valid() and run_service(form, lambda: account_services.user_role_set(
            request=request, user=user, role=form.cleaned_data["role"], region_code=form.cleaned_data["region_code"])):
        messages.success(request, _("角色与范围已保存；该账户的会话和 API 令牌已失效。"))
        return redirect("user_detail", user.pk)
    user.refresh_from_db()
    return _detail(request, user, role_form=form)


@administrators_only
@require_POST
def user_password(request, user_id):
    user = get_object_or_404(User, pk=user_id)
    form = PasswordResetForm(request.POST, user=user)
    if form.is_valid() and run_service(form, lambda: account_services.user_password_reset(
            request=request, user=user, password=form.cleaned_data["password1"])):
        messages.success(request, _("密码已重置；用户下次登录时须修改密码。"))
        return redirect("user_detail", user.pk)
    return _detail(request, user, password_form=form)


@administrators_only
@require_POST
def user_deactivate(request, user_id):
    return _one_step(request, user_id, account_services.user_deactivate, _("账户已停用；其会话和 API 令牌已失效。"))


@administrators_only
@require_POST
def user_assignment_add(request, user_id):
    user = get_object_or_404(User, pk=user_id)
    form = AssignmentForm(request.POST)
    if form.is_valid() and run_service(form, lambda: assignment_add(
            request=request, user=user, facility=form.cleaned_data["facility"])):
        messages.success(request, _("机构已分配"))
        return redirect("user_detail", user.pk)
    return _detail(request, user, assignment_form=form)


@administrators_only
@require_POST
def user_second_factor_reset(request, user_id):
    return _one_step(request, user_id, account_services.second_factor_reset,
                     _("两步验证已重置：验证器和恢复码已删除，用户可重新绑定。"))


def _one_step(request, user_id, service, done):
    """A button without fields: the service's refusal becomes an error message on the user's page."""
    user = get_object_or_404(User, pk=user_id)
    try:
        service(request=request, user=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect("user_detail", user.pk)


@never_cache
@administrators_only
def login_log(request):
    """Successes, failures and lockouts, newest first, filtered by user and address."""
    username = request.GET.get("user", "")[:150]
    address = request.GET.get("ip", "").strip()[:45]
    try:
        ipaddress.ip_address(address)
    except ValueError:
        address = ""  # not an address: nothing to filter by (the field shows what was typed)
    events = login_events(username=username, address=address)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/login_log.html", {"page": page, "user_filter": username, "ip_filter": address})
