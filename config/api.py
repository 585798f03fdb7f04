"""The one JSON API.

Browsers use their session (with CSRF; a session that still owes its second-factor code, or a new
password after an administrator set one, is refused);
other systems send `Authorization: Bearer <token>`, which needs no second factor. Wrong tokens count
like wrong passwords: after five from an address, its token requests get 429 until the cool-off ends.
Every error has one shape: {"code", "message", "message_en", "errors": [{"field", "message",
"message_en"}]} so a client can show Chinese or English without guessing.
"""
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import translation
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth

from accounts.api import router as accounts_router
from accounts.lockout import LOCKED_OUT
from accounts.second_factor import step_pending
from accounts.tokens import ApiTokenLockedOut, api_token_authenticate_request
from common.api_errors import both_languages, error_body
from common.bilingual import rule_message
from common.params import BadParameter
from facilities.alerts.api import router as alerts_router
from facilities.api import router as facilities_router
from residents.api import router as residents_router
from residents.api import stays_router
from residents.id_lookups import TOO_MANY, IdLookupsExhausted
from staffing.api import compliance_router, staff_router

from .api_parser import TextParser
from .openapi import document_errors


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = api_token_authenticate_request(request, token)
        if user is not None:
            request.user = user
        return user


class ActiveSessionAuth(SessionAuth):
    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is None or not user.is_active or user.must_change_password or step_pending(request) is not None:
            return None
        return user


api = NinjaAPI(
    title="养老机构与特困供养管理系统 API",
    version="1",
    description="民政养老机构与特困供养管理 JSON API。会话（含 CSRF）或 Bearer 令牌认证。",
    auth=[TokenAuth(), ActiveSessionAuth()],
    urls_namespace="api",
    parser=TextParser(),  # text the database cannot store (NUL, lone surrogates) is a 422
)
document_errors(api)  # the error answers of config/api.py's handlers, in /api/openapi.json


def error_response(request, *, status: int, code: str, message, errors=()):
    return api.create_response(request, error_body(code=code, message=message, errors=errors), status=status)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return error_response(request, status=401, code="unauthenticated", message=translation.gettext_lazy("请先登录或提供有效的 API 令牌"))


@api.exception_handler(ApiTokenLockedOut)
def on_locked_out(request, exc):
    """Too many wrong tokens (or logins) from this address: refused until the cool-off ends."""
    return error_response(request, status=429, code="locked_out", message=LOCKED_OUT)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return error_response(request, status=404, code="not_found", message=translation.gettext_lazy("未找到，或您无权查看"))


@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc):
    return error_response(request, status=403, code="forbidden", message=translation.gettext_lazy("您无权执行此操作"))


@api.exception_handler(NinjaValidationError)
def on_invalid_request(request, exc):
    errors = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("query", "body", "path", "payload")]
        zh, en = both_languages(rule_message(error.get("msg", "").removeprefix("Value error, ")))
        errors.append({"field": ".".join(location), "message": zh, "message_en": en})
    return error_response(request, status=422, code="invalid", message=translation.gettext_lazy("请求参数有误"), errors=errors)


def _rendered(error) -> tuple[str, str]:
    """A Django ValidationError's message in both languages, with its parameters filled in."""
    results = []
    for language in ("zh-hans", "en"):
        with translation.override(language):
            message = str(error.message)
            results.append(message % error.params if error.params else message)
    return results[0], results[1]


@api.exception_handler(IdLookupsExhausted)
def on_id_lookups_exhausted(request, exc):
    """Too many look-ups of ID numbers outside the user's scope this hour (residents.id_lookups)."""
    errors = [{"field": field, "message": zh, "message_en": en}
              for field, field_errors in exc.error_dict.items() for zh, en in map(_rendered, field_errors)]
    return error_response(request, status=429, code="too_many_lookups", message=TOO_MANY, errors=errors)


@api.exception_handler(ValidationError)
def on_rule_violation(request, exc):
    if getattr(exc, "code", None) == "stale":
        # Someone else changed the object first: the client should reload, not fix its input.
        zh, en = _rendered(exc)
        return api.create_response(request, {"code": "conflict", "message": zh, "message_en": en, "errors": []},
                                   status=409)
    items = exc.error_dict.items() if hasattr(exc, "error_dict") else [("", exc.error_list)]
    errors = []
    for field, field_errors in items:
        for error in field_errors:
            zh, en = _rendered(error)
            errors.append({"field": "" if field == "__all__" else field, "message": zh, "message_en": en})
    return error_response(request, status=422, code="invalid", message=translation.gettext_lazy("数据未通过校验"), errors=errors)


@api.exception_handler(BadParameter)
def on_bad_parameter(request, exc):
    """A month, date, year, page or id out of range (common.params), or another bad request (exc may be
    any SuspiciousOperation, or None): 400, naming the parameter when it is one of ours."""
    errors = [{"field": exc.name, "message": exc.message, "message_en": exc.message_en}] \
        if isinstance(exc, BadParameter) else []
    return error_response(request, status=400, code="bad_request",
                          message=translation.gettext_lazy("请求参数有误：月份、日期、页码或编号不在有效范围内"),
                          errors=errors)


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    return error_response(request, status=exc.status_code, code="error", message=str(exc))


api.add_router("/", accounts_router)
api.add_router("/facilities", facilities_router)
api.add_router("/people", residents_router)
api.add_router("/stays", stays_router)
api.add_router("/staff", staff_router)
api.add_router("/compliance", compliance_router)
api.add_router("/alerts", alerts_router)
api.add_router("/ratings", "facilities.ratings.api.router")
api.add_router("/", "facilities.inspections.api.router")
api.add_router("/subsidies", "subsidies.api.router")
api.add_router("/", "residents.accountability_api.router")  # custody ledgers, public notices
api.add_router("/", "residents.ability.api.router")  # GB/T 42195 assessments, levels by facility
api.add_router("/", "residents.safety.api.router")  # GB 38600 risk assessments, register, incidents
api.add_router("/complaints", "facilities.complaints.api.router")
api.add_router("/search", "residents.search.api.router")
api.add_router("/relatives", "staffing.relatives.api.router")
api.add_router("/staffing-budget", "staffing.budget.api.router")
api.add_router("/jobs", "config.jobs_api.router")
