"""Mail leaves from the worker, not from the request: a slow or unreachable mail server never
holds a page, and a failed send is retried with backoff (ops.tasks.background)."""

from django.conf import settings
from django.core.mail import send_mail

from .tasks import background, submit


@background
def deliver(subject, text, to):
    """Send one message; raises on failure so the task is retried."""
    return send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=False)


def queue_mail(subject, text, to):
    """Queue one message with the current transaction: a rolled-back step sends nothing."""
    submit(deliver, str(subject), str(text), to)
