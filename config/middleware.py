"""Chinese first: the language is Chinese unless the user chose English with the switch.

Django would otherwise follow the browser's Accept-Language, and many intranet PCs run an
English browser."""


class ChineseFirstMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
