"""Second factor enforcement (see accounts.second_factor): a signed-in user who still owes a code,
or whose role requires a second factor they have not enrolled, reaches only that step. After it, a
user whose password an administrator set reaches only the password change."""
from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from .second_factor import Step, step_pending

# Besides the step's own pages: signing out and switching the language.
ALWAYS_OPEN = {"logout", "set_language"}
OPEN_VIEWS = {
    Step.VERIFY: ALWAYS_OPEN | {"second_factor_verify"},
    Step.ENROL: ALWAYS_OPEN | {"account_security", "totp_enrol_start", "totp_enrol_confirm", "totp_qr"},
}
STEP_VIEW = {Step.VERIFY: "second_factor_verify", Step.ENROL: "account_security"}
PASSWORD_OPEN = ALWAYS_OPEN | {"password_change"}


class SecondFactorMiddleware:
    """After OTPMiddleware. The API is left to its session authentication, which refuses such a
    session (401); API tokens never carry a session and are not affected."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        step = step_pending(request)
        request.second_factor_pending = step
        match = request.resolver_match
        if match.namespace == "api":
            return None
        if step is None:
            if not getattr(request.user, "must_change_password", False) or match.view_name in PASSWORD_OPEN:
                return None
            request.second_factor_pending = "password"  # no navigation until the password is changed
            target = reverse("password_change")
        elif match.view_name in OPEN_VIEWS[step]:
            return None
        else:
            target = reverse(STEP_VIEW[step])
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        if request.headers.get("HX-Request"):
            return HttpResponse(status=204, headers={"HX-Redirect": target})
        return redirect(target)
