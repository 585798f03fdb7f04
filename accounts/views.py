"""Signing in (Django's login plus the second-factor step), the account page with the second factor
and password change, and the signed-in user's API tokens."""
import io

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.messages.views import SuccessMessageMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from . import lockout, recovery, second_factor, services
from .forms import CodeForm
from .models import ApiToken
from .second_factor import Step
from .tokens import api_token_create, api_token_revoke


class LoginView(auth_views.LoginView):
    """Django's login; the failure count is cleared here only when the password completes the login,
    otherwise after the code (accounts.lockout)."""

    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        if self.request.session.get(second_factor.SESSION_KEY) != Step.VERIFY:
            lockout.login_success_record(self.request, form.get_user())
        return response


def _next_url(request, default="home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    # A path of this site only: `redirect("abc")` would look "abc" up as a view name (a 500).
    if target.startswith("/") and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse(default)


def _locked_out(request):
    """Too many wrong codes: the session ends, like a locked-out password login."""
    logout(request)
    return lockout.locked_out_page(request)


@never_cache
@login_required
def second_factor_verify(request):
    """The code step after the password, for users with a confirmed device."""
    if second_factor.step_pending(request) != Step.VERIFY:
        return redirect(_next_url(request))
    user = request.user
    if second_factor.confirmed_device(user) is None:  # an administrator removed it since the login
        second_factor.step_refresh(request)
        return redirect(_next_url(request))
    credentials = lockout.account_credentials(user)
    if lockout.is_locked_out(request, credentials):
        return _locked_out(request)
    if request.method == "POST" and request.POST.get("recovery_code"):
        return _recovery_step(request, user, credentials)
    form = CodeForm(request.POST or None, autofocus=True)
    if request.method == "POST" and form.is_valid():
        device = second_factor.totp_verify(user=user, code=form.cleaned_data["code"])
        if device is not None:
            second_factor.session_verified(request, device)
            lockout.login_success_record(request, user)
            return redirect(_next_url(request))
        if lockout.failure_record(request, credentials):
            return _locked_out(request)
        form.add_error("code", _("验证码不正确，请核对验证器中的当前验证码"))
    return render(request, "accounts/second_factor_verify.html", {"form": form, "next": _next_url(request)})


def _recovery_step(request, user, credentials):
    """The code step passed with a one-time recovery code instead of the authenticator's code."""
    if recovery.recovery_code_use(user=user, code=request.POST["recovery_code"][:40]):
        second_factor.session_verified(request, second_factor.confirmed_device(user))
        lockout.login_success_record(request, user)
        messages.warning(request, _("您使用了一个恢复码，它已作废。如手机丢失，请停用并重新绑定验证器，再生成新的恢复码。"))
        return redirect(_next_url(request))
    if lockout.failure_record(request, credentials):
        return _locked_out(request)
    return render(request, "accounts/second_factor_verify.html", {
        "form": CodeForm(autofocus=True), "next": _next_url(request),
        "recovery_error": _("恢复码不正确或已使用过"),
    })


@never_cache
@login_required
@require_POST
def recovery_codes_new(request):
    """Generate (or regenerate) one's recovery codes; they are shown this once."""
    if second_factor.confirmed_device(request.user) is None:
        messages.error(request, _("请先启用两步验证，再生成恢复码"))
        return redirect("account_security")
    return _security_page(request, new_codes=recovery.recovery_codes_generate(user=request.user))


def _security_page(request, *, form=None, new_codes=None):
    user = request.user
    device = second_factor.confirmed_device(user)
    enrolling = None if device else second_factor.unconfirmed_device(user)
    return render(request, "accounts/security.html", {
        "device": device,
        "enrolling": enrolling,
        "manual_key": second_factor.manual_key(enrolling) if enrolling else "",
        "required": second_factor.second_factor_required(user),
        "must_enrol": second_factor.step_pending(request) == Step.ENROL,
        "form": form or CodeForm(),
        "new_codes": new_codes,
        "codes_left": recovery.recovery_codes_left(user) if device else 0,
    })


@never_cache
@login_required
@require_GET
def account_security(request):
    """The account page: second factor (enrol, confirm, remove), password change, API tokens."""
    return _security_page(request)


@login_required
@require_POST
def totp_enrol_start(request):
    try:
        second_factor.totp_enrolment_start(user=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return redirect("account_security")


@never_cache
@login_required
@require_POST
def totp_enrol_confirm(request):
    form = CodeForm(request.POST)
    if form.is_valid():
        was_required = second_factor.step_pending(request) == Step.ENROL
        device = second_factor.totp_enrolment_confirm(user=request.user, code=form.cleaned_data["code"])
        if device is not None:
            second_factor.session_verified(request, device)
            messages.success(request, _("两步验证已启用。今后登录时，输入密码后还需输入验证器中的验证码。"))
            return redirect("home" if was_required else "account_security")
        form.add_error("code", _("验证码不正确。请确认已扫描上方二维码，并输入验证器中的当前验证码。"))
    return _security_page(request, form=form)


@never_cache
@login_required
@require_POST
def totp_remove(request):
    """Removing the second factor takes a current code; wrong codes count like wrong passwords."""
    user = request.user
    credentials = lockout.account_credentials(user)
    if lockout.is_locked_out(request, credentials):
        return _locked_out(request)
    form = CodeForm(request.POST)
    if form.is_valid():
        if second_factor.totp_remove(user=user, code=form.cleaned_data["code"]):
            second_factor.step_refresh(request)
            messages.success(request, _("两步验证已停用"))
            return redirect("account_security")
        if lockout.failure_record(request, credentials):
            return _locked_out(request)
        form.add_error("code", _("验证码不正确，两步验证仍然有效"))
    return _security_page(request, form=form)


@never_cache
@login_required
@require_GET
def totp_qr(request):
    """The QR code of the device being enrolled, as an SVG image served from here (the page's CSP
    allows images from 'self'; no inline script or style). Gone once the device is confirmed."""
    device = second_factor.unconfirmed_device(request.user)
    if device is None:
        raise Http404("no enrolment")
    buffer = io.BytesIO()
    segno.make(device.config_url, error="m").save(buffer, kind="svg", scale=5, border=4, light="#fff", xmldecl=False)
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")


class PasswordChangeView(SuccessMessageMixin, auth_views.PasswordChangeView):
    """Change one's own password; the password validators of settings apply (accounts.validators)."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("account_security")
    success_message = gettext_lazy("密码已修改")

    def form_valid(self, form):
        """The user's own password replaces one an administrator set (saved with it, in one write)."""
        form.user.must_change_password = False
        return super().form_valid(form)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, must_change=self.request.user.must_change_password)


@login_required
def token_list(request):
    new_token = None
    error = None
    if request.method == "POST":
        try:
            _token, new_token = api_token_create(user=request.user, name=request.POST.get("name", ""))
        except ValidationError as exc:
            error = exc.message_dict["name"][0]
    tokens = ApiToken.objects.filter(user=request.user)
    return render(request, "accounts/token_list.html", {
        "tokens": tokens, "new_token": new_token, "error": error, "now": timezone.now(),
        "token_days": settings.API_TOKEN_DAYS,
    })


@login_required
@require_POST
def token_revoke(request, token_id):
    api_token_revoke(user=request.user, token_id=token_id)
    messages.success(request, _("令牌已吊销"))
    return redirect("token_list")


@login_required
@require_POST
def text_size(request):
    """The header's 大字 / Large text switch: on or off for this account, then back to the page."""
    services.large_text_set(user=request.user, on=request.POST.get("large") == "1")
    return redirect(_next_url(request))
