"""How many tips one sender may send in an hour, and what each further tip costs.

Who the sender is: the client's address, read as the settings say, never the User-Agent (a
new one per request costs nothing). Directly on the internet (BEHIND_PROXY off) that is
REMOTE_ADDR and X-Forwarded-For is ignored: anyone can write it. Behind the reverse proxy
(BEHIND_PROXY on) REMOTE_ADDR is the proxy, and the client is the right-most
X-Forwarded-For hop that is not one of our own proxies (REMOTE_ADDR itself and the networks
in the TRUSTED_PROXIES setting): the hops to its left were written by the client and may be
forged.

Each tip is counted twice, under the address and under its network (/24 for IPv4, /64 for
IPv6: a sender who rotates addresses inside the prefix the provider gave them stays one
sender). For each count, within an hour from its first tip:

- the first FREE tips cost only the question (address: 3, network: 6);
- each further tip must wait after the previous one a time that doubles: 1, 2, 4, 8, 16 …
  minutes (the 4th tip from an address 1 minute after the 3rd, the 5th 2 minutes after the
  4th …);
- no more than CAP tips (address: 8, network: 20);
- and whatever the answers, no more than ATTEMPTS posts of the form from one address (so the
  question cannot be guessed by brute force).

The stricter count decides. A refused tip is never dropped silently: the view answers 429
with the form as it was filled in and a message saying how many minutes to wait. Counts live
in the cache (shared by all servers with Redis); a place is taken before a tip is checked and
given back when it is not saved, so concurrent posts cannot all slip under the limit.
"""

import hashlib
import ipaddress
import math
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache

PREFIX = "portal:throttle:"
WINDOW = 3600
BASE_WAIT = 60  # seconds before the first tip over the free allowance; doubles for each next one
ATTEMPTS = 30


@dataclass(frozen=True)
class Limit:
    name: str
    free: int
    cap: int


ADDRESS = Limit("address", free=3, cap=8)
NETWORK = Limit("network", free=6, cap=20)


def now():
    return time.time()


def behind_proxy():
    return settings.BEHIND_PROXY


def _address(text):
    try:
        address = ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address, remote):
    if address == remote:
        return True
    for network in settings.TRUSTED_PROXIES:
        try:
            if address in ipaddress.ip_network(network, strict=False):
                return True
        except (ValueError, TypeError):
            continue
    return False


def client_address(request):
    """The sender's address as text (see the module docstring); REMOTE_ADDR when nothing better."""
    remote_text = request.META.get("REMOTE_ADDR", "")
    remote = _address(remote_text)
    if not behind_proxy() or remote is None:
        return str(remote) if remote is not None else remote_text
    hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            break  # garbage where our proxy writes a valid address: stop trusting the header
        if not _trusted(address, remote):
            return str(address)
    return str(remote)


def network_of(address_text):
    """ "203.0.113.7" → "203.0.113.0/24", "2001:db8::1" → "2001:db8::/64", else None."""
    address = _address(address_text)
    if address is None:
        return None
    bits = 24 if address.version == 4 else 64
    return str(ipaddress.ip_network(f"{address}/{bits}", strict=False))


def _key(kind, value):
    """Salted: the cache holds no address in clear."""
    digest = hashlib.sha256(f"{settings.SECRET_KEY}|{kind}|{value}".encode()).hexdigest()[:24]
    return f"{PREFIX}{kind}:{digest}"


def _incr(key, timeout):
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 0, timeout=timeout)
        return cache.incr(key)


def _decr(key):
    try:
        cache.decr(key)
    except ValueError:
        pass


def wait_for(limit, place, started, last, at):
    """Seconds the tip taking `place` (1-based) in the hour must still wait (≤ 0: none)."""
    if place > limit.cap:
        return started + WINDOW - at
    if place <= limit.free:
        return 0
    return (last or 0) + BASE_WAIT * 2 ** (place - limit.free - 1) - at


@dataclass
class Ticket:
    """A place taken for one tip: `wait` > 0 means refused (nothing is held then)."""

    wait: int = 0
    held: list = field(default_factory=list)  # (count key, last key, previous last)

    @property
    def refused(self):
        return self.wait > 0

    @property
    def minutes(self):
        return max(1, math.ceil(self.wait / 60))

    def release(self):
        """The tip was not saved: give its place back."""
        for count_key, last_key, previous in self.held:
            _decr(count_key)
            if previous is None:
                cache.delete(last_key)
            else:
                cache.set(last_key, previous, timeout=WINDOW)
        self.held = []


def reserve(request):
    """Take a place for one tip from this request's sender (see the module docstring)."""
    at = now()
    address = client_address(request)
    if _incr(_key("attempts", address), WINDOW) > ATTEMPTS:
        return Ticket(wait=WINDOW)
    counts = [(ADDRESS, address)]
    network = network_of(address)
    if network:
        counts.append((NETWORK, network))
    ticket, waits = Ticket(), []
    for limit, value in counts:
        base = _key(limit.name, value)
        count_key, start_key, last_key = f"{base}:n", f"{base}:start", f"{base}:last"
        cache.add(start_key, at, timeout=WINDOW)
        place = _incr(count_key, WINDOW)
        previous = cache.get(last_key)
        ticket.held.append((count_key, last_key, previous))
        waits.append(wait_for(limit, place, cache.get(start_key, at), previous, at))
    wait = max(waits)
    if wait > 0:
        ticket.release()
        return Ticket(wait=math.ceil(wait))
    for _count_key, last_key, _previous in ticket.held:
        cache.set(last_key, at, timeout=WINDOW)
    return ticket
