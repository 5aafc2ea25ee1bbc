"""Counts visits to the public portal's pages (see counters.py for the rules and the buffer).

Add "binhyen.portal.middleware.VisitorCounterMiddleware" to MIDDLEWARE after
AuthenticationMiddleware. Only successful GET pages of the `portal` URL namespace count, and
not the editors' own pages: static files, the API, feeds and officers' pages are not visits.
"""

from . import counters

NOT_COUNTED = {"feed_rss", "feed_atom", "calendar_pdf", "media"}


class VisitorCounterMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if (
            match is not None
            and match.namespace == "portal"
            and request.method == "GET"
            and response.status_code == 200
            and match.url_name not in NOT_COUNTED
            and not match.url_name.startswith("editor_")
        ):
            counters.count_request(request)
        return response
