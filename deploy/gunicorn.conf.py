"""gunicorn's configuration for Bình Yên (README "Chạy thật"): `binhyen serve` uses it, and so
does `gunicorn binhyen.wsgi:application -c deploy/gunicorn.conf.py`.

Everything an operator tunes comes from the environment (deploy/binhyen.env.example), so one
file serves every web host; an option on gunicorn's command line wins over this file.

Graceful reload after a release: `kill -HUP <master pid>` (systemd: `systemctl reload
binhyen-web`). The master starts new workers on the new code and lets the old ones finish
their requests (up to graceful_timeout) before they stop; no request is refused.
"""

import json
import logging
import os
import time
import warnings

from gunicorn import glogging

# This file is how production starts: settings.py then refuses a missing SECRET_KEY or DEBUG.
os.environ.setdefault("PRODUCTION", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "binhyen.settings")


def _int(name, default):
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _cores():
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may use (containers, taskset)
    except AttributeError:
        return os.cpu_count() or 1


# WhiteNoise serves /static/ from the code's own folders (settings.WHITENOISE_USE_FINDERS), so
# STATIC_ROOT may not exist: its warning about that in every worker is noise, not a fault.
warnings.filterwarnings("ignore", message="No directory at")

# A private address only the reverse proxy reaches (README: the firewall lets only it in).
bind = [b.strip() for b in os.environ.get("BIND", "127.0.0.1:8000").split(",") if b.strip()]

# Sync workers, as gunicorn advises behind a buffering proxy (nginx reads slow clients' bodies
# and answers, so a worker is never held by a slow network): 2 × cores + 1, at most
# WEB_WORKERS. WEB_THREADS > 1 switches to threaded workers (gthread), each thread with its own
# database connection.
workers = 2 * _cores() + 1
if os.environ.get("WEB_WORKERS", "").strip():
    workers = max(1, min(workers, _int("WEB_WORKERS", workers)))
threads = max(1, _int("WEB_THREADS", 1))

# A page that needs a minute is a bug: long work (exports, imports, rebuilds) runs on the task
# queue. A worker silent for `timeout` s is killed and replaced; on HUP or TERM a worker has
# `graceful_timeout` s to finish the request it is serving.
timeout = 60
graceful_timeout = 30
keepalive = 5

# Replace each worker after about a thousand requests (jittered so that they do not all
# restart together): a slow leak in a library never grows without bound.
max_requests = _int("WEB_MAX_REQUESTS", 1000)
max_requests_jitter = max(0, max_requests // 10)

# Not preloaded: every worker imports the application itself, so that `kill -HUP` starts the
# new code after a release (a preloaded app stays the master's old copy until a full
# restart), and nothing the import opens (a database connection, a thread) is shared by the
# forked workers.
preload_app = False

# gunicorn trusts X-Forwarded-Proto (the request's scheme) only from these addresses: the
# reverse proxies. Django reads the client's address with BEHIND_PROXY/TRUSTED_PROXIES.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Workers' heartbeat files on tmpfs: on a disk a slow fsync elsewhere could make gunicorn
# think a healthy worker hung and kill it.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# Signals, not gunicorn's control socket: its default path ($HOME/.gunicorn/gunicorn.ctl) is
# one per user, and two instances on one host (make prod-check) would take it from each other.
control_socket_disable = True
proc_name = "binhyen-web"

# The access log: one line a request on stdout (journald keeps it), with the request id the
# application sets (X-Request-ID, binhyen/ops/logs.py: the same id is on the application's
# own line for that request) and the duration. The path is written without its query string
# and without the client's address (behind the proxy it is the proxy's; the proxy's own log
# has the client): a search for a person's name or a tipster's address never reaches a log.
# With LOG_FORMAT=json (the default with PRODUCTION=1) each line is one JSON object, like the
# application's; ACCESS_LOG=0 turns the access log off.
accesslog = None if os.environ.get("ACCESS_LOG", "1").strip() in ("0", "off", "no") else "-"
access_log_format = "%(m)s %(U)s %(s)s %(b)s bytes %(M)s ms request_id=%({x-request-id}o)s"
errorlog = "-"
loglevel = "info"
# the application's rule (settings.LOG_FORMAT): JSON by default in production
_production = os.environ["PRODUCTION"].strip().lower() in ("1", "true", "yes", "on")
_json = (
    os.environ.get("LOG_FORMAT") or ("json" if _production else "text")
).strip().lower() == "json"


class JsonLines(logging.Formatter):
    """gunicorn's own lines (start, worker timeouts, access) as JSON objects, with the
    field names of the application's log (time, level, logger, message, …)."""

    def format(self, record):
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
        }
        entry.update(getattr(record, "access", None) or {"message": record.getMessage()})
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class Logger(glogging.Logger):
    def setup(self, cfg):
        super().setup(cfg)
        if _json:
            for log in (self.error_log, self.access_log):
                for handler in log.handlers:
                    handler.setFormatter(JsonLines())

    def access(self, resp, req, environ, request_time):
        if not _json:
            return super().access(resp, req, environ, request_time)
        if not self.access_log_enabled:
            return None
        atoms = self.atoms(resp, req, environ, request_time)
        fields = {
            "message": f"{atoms['m']} {atoms['U']} {atoms['s']}",
            "method": atoms["m"],
            "path": atoms["U"],
            "status": int(atoms["s"]),
            "bytes": atoms["B"],
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "request_id": atoms.get("{x-request-id}o"),
            "pid": os.getpid(),
        }
        self.access_log.info(fields["message"], extra={"access": fields})
        return None


logger_class = Logger
