"""gunicorn's configuration for Blue Beret (`manage.py serve`; docs/deployment.md).

Every figure comes from the environment (the systemd unit's EnvironmentFile), with defaults
that suit one server behind the TLS proxy on the same machine.
"""

import os


def cores() -> int:
    """The cores this process may run on (a container's or a systemd CPUAffinity's limit)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


# Loopback by default, like `make run`: the TLS proxy in front is what users reach.
bind = f"{os.getenv('HOST', '127.0.0.1')}:{os.getenv('PORT', '8000')}"
wsgi_app = "blueberet.wsgi:application"

# gunicorn's rule of thumb: two workers a core, plus one. Each worker holds its own database
# connections (one per thread), so PostgreSQL's max_connections must cover
# app servers x WEB_WORKERS x WEB_THREADS, plus the workers and a margin.
workers = int(os.getenv("WEB_WORKERS") or 2 * cores() + 1)
# Threads let a worker answer another page while one waits on the database; more than one
# makes gunicorn use its threaded worker (gthread).
threads = int(os.getenv("WEB_THREADS", "4"))

# A request running longer than this is stopped (its worker restarted) and answered 502 by the
# proxy: long work (imports, the planner, workbooks) runs as background jobs instead.
timeout = int(os.getenv("WEB_TIMEOUT", "60"))
# On restart or stop, requests under way get this long to finish.
graceful_timeout = int(os.getenv("WEB_GRACEFUL_TIMEOUT", "30"))
# Longer than nothing, shorter than the proxy's own keep-alive to us.
keepalive = 5
# A worker is replaced after this many requests (spread so they are not all replaced at
# once): whatever memory a worker gathers is given back.
max_requests = int(os.getenv("WEB_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10

# The application is loaded once, before the workers fork: an unsafe setting stops the server
# at once with its message (blueberet/wsgi.py), and workers share the loaded code's memory.
# No database connection is opened while loading, so none is shared between workers.
preload_app = True

# Logs to standard output and error, which systemd's journal keeps (journalctl -u
# blueberet-web): who (the client's address as the proxy saw it), what, the answer, its size,
# how long it took in milliseconds, and the browser.
accesslog = "-"
errorlog = "-"
loglevel = os.getenv("WEB_LOG_LEVEL", "info")
access_log_format = (
    '%({x-forwarded-for}i)s %(h)s "%(r)s" %(s)s %(B)s %(M)sms "%(f)s" "%(a)s" pid=%(p)s'
)

# The TLS proxy's address(es), whose X-Forwarded-Proto/-For gunicorn believes. The proxy on the
# same machine is 127.0.0.1; behind a proxy on another machine, set its address.
forwarded_allow_ips = os.getenv("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# No runtime control socket (gunicornc): systemd starts, stops and reloads the server, and
# several servers on one machine (tests, benchmarks) must not fight over one socket path.
control_socket_disable = True

# The workers' heartbeat files in memory, not on a disk that may stall (gunicorn's advice).
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

proc_name = "blueberet"
