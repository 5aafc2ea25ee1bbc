"""The portal's security headers now come from the site-wide middleware
(binhyen.security.SecurityHeadersMiddleware), which gives every response the same policy.

`secure` stays as a pass-through so the portal's views and URLs need not change at once; it
can be dropped from them whenever they are next edited."""

from binhyen.security import CONTENT_SECURITY_POLICY, HEADERS  # noqa: F401  (kept for readers)


def secure(view):
    return view
