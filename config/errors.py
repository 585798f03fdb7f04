"""Error pages in the site's own layout: a clear sentence, never a stack trace.

Under /api/ a path that matches no route (say /api/people/abc) answers in the API's JSON error
shape instead, as the OpenAPI document says every 404 of the API does.
"""
from django.shortcuts import render

from common.params import BadParameter


def bad_request(request, exception=None):
    """A parameter out of range (common.params.BadParameter: which one and what it should be, in
    Chinese and English; never the value sent) or another bad request."""
    if request.path_info.startswith("/api/"):
        from .api import on_bad_parameter

        return on_bad_parameter(request, exception)
    parameter = exception if isinstance(exception, BadParameter) else None
    return render(request, "errors/400.html", {"parameter": parameter}, status=400)


def forbidden(request, exception=None):
    return render(request, "errors/403.html", status=403)


def not_found(request, exception=None):
    if request.path_info.startswith("/api/"):
        from .api import on_not_found

        return on_not_found(request, exception)
    return render(request, "errors/404.html", status=404)


def server_error(request):
    return render(request, "errors/500.html", status=500)
