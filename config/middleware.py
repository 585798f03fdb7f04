"""Chinese first: the language is Chinese unless the user chose English with the switch.

Django would otherwise follow the browser's Accept-Language, and many intranet PCs run an
English browser."""
from django.utils.cache import patch_cache_control

from common.params import check_query


class ChineseFirstMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


# Browser features the app never uses, switched off for every page (and for anything it frames).
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "ambient-light-sensor", "autoplay", "bluetooth", "browsing-topics", "camera",
    "display-capture", "encrypted-media", "geolocation", "gyroscope", "hid", "idle-detection", "magnetometer",
    "microphone", "midi", "payment", "publickey-credentials-get", "screen-wake-lock", "serial", "usb",
    "xr-spatial-tracking",
))


class PrivateAnswersMiddleware:
    """Every answer that reaches the app is `Cache-Control: no-store` (pages, the API, exports, served
    files, error pages): most carry personal data, and a shared PC or a proxy must not keep a copy.
    Static files are answered by WhiteNoise before this middleware and keep their long cache. Also
    sets the Permissions-Policy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_cache_control(response, no_store=True, private=True)
        response.headers.pop("Expires", None)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class QueryParamsMiddleware:
    """Every page's month, date, year, page and id query parameters checked before any view runs
    (common.params.check_query): a value out of range is a 400 with the site's error page, whichever
    view, form, table or export would have read it, and a NUL character in any parameter (PostgreSQL
    refuses one) too. The API checks its own, typed, as a 422 (common.api_fields)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith("/api/"):
            check_query(request.GET)
        return self.get_response(request)
