"""Security headers of every response: one Content-Security-Policy for the whole site and
`Cache-Control: no-store` on whatever may carry personal data.

The policy allows no inline script, no inline style (element or attribute), no eval and no
foreign origin: every page's behaviour comes from static files served by this application, and
values a template used to write into a `style` attribute travel as data attributes that
`binhyen/static/binhyen/app.js` applies (CSSOM changes made by a script are not inline styles).
A response that sets its own, stricter policy keeps it (the portal's uploaded images are served
sandboxed).

Personal data: every API response and every response to a request that carries a session
(that is, to a signed-in person, or one just signing in) is `no-store`, so neither the browser's
history cache nor a shared proxy keeps a members' list or an export. Deciding on the session
cookie rather than `request.user` costs no query. Static files and responses that declare
themselves `public` (the portal's images, the API docs' assets) keep their own caching.

With DEBUG on, Django's technical error pages (inline styles and scripts) go out without the
policy so a developer can read them.
"""

from django.conf import settings

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",  # data: only for Bootstrap's and Swagger UI's SVG icons in their CSS
        "font-src 'self'",
        "connect-src 'self'",
        "media-src 'self'",
        "object-src 'none'",
        "frame-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

# X-Content-Type-Options, Referrer-Policy, Cross-Origin-Opener-Policy and X-Frame-Options come
# from Django's SecurityMiddleware and XFrameOptionsMiddleware (settings.py).
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}
# Pages and data are for this site's own pages only; static files and the portal's images may
# be linked from elsewhere.
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"

API_PREFIX = "/api/"
NO_STORE = "no-store"


def carries_personal_data(request, response):
    if request.path.startswith(API_PREFIX):
        return True
    cookie = settings.SESSION_COOKIE_NAME
    return cookie in request.COOKIES or cookie in response.cookies


def _is_static(request):
    return request.path.startswith((settings.STATIC_URL, settings.MEDIA_URL))


def _is_technical_page(response):
    return settings.DEBUG and response.status_code in (404, 500)


class SecurityHeadersMiddleware:
    """First in settings.MIDDLEWARE, so it sees every response: static files, redirects, the
    error pages of every other middleware and view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not _is_technical_page(response):
            for name, value in HEADERS.items():
                response.headers.setdefault(name, value)
        static = _is_static(request)
        if not static:
            response.headers.setdefault(
                "Cross-Origin-Resource-Policy", CROSS_ORIGIN_RESOURCE_POLICY
            )
        if not static and carries_personal_data(request, response):
            if "public" not in response.get("Cache-Control", ""):
                response["Cache-Control"] = NO_STORE
                response["Pragma"] = "no-cache"
                response.headers.pop("Expires", None)
        return response
