"""Site-wide middleware of our own."""


def vietnamese_first(get_response):
    """Vietnamese unless the person chose English (language cookie from the VI/EN switch).

    Django's LocaleMiddleware would otherwise follow the browser's Accept-Language, and an
    officer on an English-language Windows would get an English interface they never asked for.
    """

    def middleware(request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return get_response(request)

    return middleware
