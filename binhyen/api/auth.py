"""Who is calling the API: a Bearer token, or the logged-in session of the pages' htmx."""

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from .models import ApiToken, hash_key

# Writing last_used_at on every request would turn each read into a write; a minute is
# precise enough to tell a live token from a forgotten one.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class BearerAuth(HttpBearer):
    """`Authorization: Bearer <key>`; a revoked token or an inactive user is simply not
    authenticated (401), without saying which."""

    def __call__(self, request):
        # ninja's own __call__ logs the whole header in DEBUG, which would write keys to logs.
        value = request.headers.get(self.header, "")
        scheme, _sep, key = value.partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            return None
        return self.authenticate(request, key.strip())

    def authenticate(self, request, token):
        found = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=hash_key(token), revoked=False)
            .first()
        )
        if found is None or not found.user.is_active:
            return None
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        # Services and the audit middleware read request.user; make it the token's owner.
        request.user = found.user
        return found.user


class SessionAuth(APIKeyCookie):
    """The Django session of a logged-in person, so pages can call the API with htmx.
    Unsafe methods need the CSRF token, as any form post would."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self):
        super().__init__(csrf=True)

    def _get_key(self, request):
        # CSRF is checked in authenticate(), only once we know a session is what authenticates:
        # a token client has no CSRF cookie and must get 401, not a CSRF error.
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        exempt = getattr(request, "_ninja_csrf_exempt", False)
        if request.method not in SAFE_METHODS and not exempt and check_csrf(request):
            raise HttpError(
                403,
                _("Thiếu hoặc sai mã CSRF. Hãy tải lại trang rồi thử lại, hoặc dùng token API."),
            )
        return user


bearer_auth = BearerAuth()
session_auth = SessionAuth()
API_AUTH = [bearer_auth, session_auth]
