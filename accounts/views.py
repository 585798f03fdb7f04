"""Login is Django's own; here: the signed-in user's API tokens."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .models import ApiToken
from .tokens import api_token_create, api_token_revoke


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
    return render(request, "accounts/token_list.html", {"tokens": tokens, "new_token": new_token, "error": error})


@login_required
@require_POST
def token_revoke(request, token_id):
    api_token_revoke(user=request.user, token_id=token_id)
    messages.success(request, _("令牌已吊销"))
    return redirect("token_list")
