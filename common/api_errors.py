"""The API's one error shape: {"code", "message", "message_en", "errors": [{"field", "message",
"message_en"}]}, so a client shows Chinese or English without guessing.

config.api answers through it for every handled error; a lower app that must answer an API request
itself (the login lockout, before any router runs) uses `error_json`.
"""
from django.http import JsonResponse
from django.utils import translation


def both_languages(message) -> tuple[str, str]:
    """A (lazy) message in Chinese and in English."""
    with translation.override("zh-hans"):
        zh = str(message)
    with translation.override("en"):
        en = str(message)
    return zh, en


def error_body(*, code: str, message, errors=()) -> dict:
    zh, en = both_languages(message)
    return {"code": code, "message": zh, "message_en": en, "errors": list(errors)}


def error_json(*, status: int, code: str, message, errors=()) -> JsonResponse:
    return JsonResponse(error_body(code=code, message=message, errors=errors), status=status,
                        content_type="application/json; charset=utf-8")
