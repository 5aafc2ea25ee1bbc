"""The sealed identity of a tip's sender: who sent it (name, phone, the account when logged
in) is stored encrypted at rest (Fernet: AES-128-CBC + HMAC-SHA256) and read only by a person
holding the dedicated role (`Role.IDENTITY`) over the tip's unit — a unit role, even a
superuser's, does not imply it. Every reading is written to the tip's timeline and the audit
log (`reveal`), and no page, export, API answer or history row carries the sealed text.

The key comes from `SEAL_KEY` (a Fernet key: `binhyen seal_key` prints a new one); without it
one is derived from SECRET_KEY, so a demo or a test machine needs no setting. Rotating the key
means re-sealing: `MultiFernet` reads with every key in `SEAL_KEY` (comma-separated, newest
first) and seals with the first.
"""

import base64
import hashlib
import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.utils.translation import gettext as _

from binhyen.org.models import Assignment
from binhyen.org.scoping import Role


def _keys():
    configured = [k.strip() for k in (getattr(settings, "SEAL_KEY", "") or "").split(",")]
    keys = [Fernet(k) for k in configured if k]
    if not keys:
        derived = hashlib.sha256(("binhyen-seal:" + settings.SECRET_KEY).encode()).digest()
        keys = [Fernet(base64.urlsafe_b64encode(derived))]
    return MultiFernet(keys)


def new_key():
    return Fernet.generate_key().decode()


def seal(name="", phone="", user_id=None):
    """The sealed text for a sender ("" when there is nothing to seal)."""
    if not (name or phone or user_id):
        return ""
    payload = json.dumps({"name": name, "phone": phone, "user": user_id}, ensure_ascii=False)
    return _keys().encrypt(payload.encode()).decode()


def unseal(token):
    """{"name", "phone", "user"} from a sealed text; {} when empty. A token the keys cannot
    read (a lost key) is said plainly rather than raised."""
    if not token:
        return {}
    try:
        return json.loads(_keys().decrypt(token.encode()))
    except InvalidToken:
        return {
            "name": _("(không giải mã được: khóa niêm phong đã đổi)"),
            "phone": "",
            "user": None,
        }


def may_reveal(user, tip):
    """Whether `user` holds the identity role, actively, over `tip`'s unit (one query)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    paths = Assignment.objects.filter(user=user, active=True, role=Role.IDENTITY).values_list(
        "unit__path", flat=True
    )
    return any(p and tip.unit.path.startswith(p) for p in paths)
