"""Error pages in the site's own layout: a clear sentence, never a stack trace.

Under /api/ a path that matches no route (say /api/people/abc) answers in the API's JSON error
shape instead, as the OpenAPI document says every 404 of the API does.
"""
from django.shortcuts import render


def bad_request(request, exception=None):
    """A parameter out of range (common.params.BadParameter) or another bad request."""
    if request.path_info.startswith("/api/"):
        from .api import error_response, translation

        return error_response(request, status=400, code="bad_request",
                              message=translation.gettext_lazy("请求参数有误：月份、日期、页码或编号不在有效范围内"))
    return render(request, "errors/400.html", status=400)


def forbidden(request, exception=None):
    return render(request, "errors/403.html", status=403)


def not_found(request, exception=None):
    if request.path_info.startswith("/api/"):
        from .api import on_not_found

        return on_not_found(request, exception)
    return render(request, "errors/404.html", status=404)


def server_error(request):
    return render(request, "errors/500.html", status=500)
