"""The production profile: the same product on Rasa's own distributed pieces.

``make run`` (the embedded profile) keeps everything in one box: SQLite for
tickets and conversations, an in-memory lock store, one Rasa.  That cannot
scale out, and a crash loses whatever the one process held.  This profile
(``python -m calmdesk run --profile production``, or
``StackConfig(profile="production")``) starts the same code as:

- PostgreSQL for the tickets and for Rasa's tracker store, so any Rasa
  replica, or a restarted one, continues a conversation where it was;
- Redis as Rasa's lock store, so two replicas never handle the same
  conversation at once;
- RabbitMQ as Rasa's event broker (``pika``), read by
  ``calmdesk.operations.broker_consumer`` into the ``conversation_stats`` table;
- ``RASA_REPLICAS`` Rasa servers and ``ACTION_SERVERS`` action servers behind
  one nginx (least-connections for REST and the HTTP API, ``ip_hash`` for
  socket.io, whose polling transport must keep hitting the replica that issued
  its session id);
- ``calmdesk.desk.holding`` as nginx's backup for the action servers: when none
  answers, customers hear a polite holding message and complaints are kept
  and filed once an action server is back.

Settings come from ``deploy/production.env``; a variable set in the
environment wins, and ``StackConfig.settings`` (tests, benchmarks) wins over
both.  Rasa reads them through ``${...}`` in ``deploy/endpoints.production.yml``.
nginx runs as a child process with a config generated under ``var/nginx/``.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import URL

from calmdesk.db import create_database
from calmdesk.operations.flood import FloodLimits, Verdict
from calmdesk.operations.ports import free_port
from calmdesk.operations.training import ROOT, rasa_executable

if TYPE_CHECKING:  # stack imports this module lazily; no import cycle at run time
    from calmdesk.operations.stack import Stack, StackConfig

ENV_FILE = ROOT / "deploy" / "production.env"
ENDPOINTS = ROOT / "deploy" / "endpoints.production.yml"


def read_env_file(path: Path) -> dict[str, str]:
    """``NAME=value`` lines; blank lines and ``#`` comments are skipped, values are taken verbatim."""
    values: dict[str, str] = {}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, value = line.partition("=")
        if not sep or not name.strip().isidentifier():
            raise ValueError(f"{path}:{number}: expected NAME=value, got {line!r}")
        values[name.strip()] = value.strip()
    return values


def settings(overrides: dict[str, str] | None = None) -> dict[str, str]:
    """deploy/production.env, then the environment, then ``overrides``."""
    values = read_env_file(ENV_FILE)
    for name in values:
        if os.environ.get(name):
            values[name] = os.environ[name]
    values.update({name: str(value) for name, value in (overrides or {}).items()})
    return values


def tracker_database_url(values: dict[str, str]) -> URL:
    return URL.create(
        "postgresql", username=values["TRACKER_DB_USER"], password=values["TRACKER_DB_PASSWORD"] or None,
        host=values["TRACKER_DB_HOST"], port=int(values["TRACKER_DB_PORT"]), database=values["TRACKER_DB_NAME"],
    )


def start(stack: "Stack", env: dict[str, str], logs: Path) -> None:
    """Spawn every process of the production profile into ``stack`` (nginx last)."""
    config = stack.config
    values = settings(config.settings)
    # Rasa would create it too (login_db), but two replicas racing to do so
    # each back off for 5 s; creating it first keeps start-up quick.
    create_database(tracker_database_url(values).render_as_string(hide_password=False))
    host = config.host
    replica_ports = [free_port() for _ in range(int(values["RASA_REPLICAS"]))]
    action_ports = [free_port() for _ in range(int(values["ACTION_SERVERS"]))]
    holding_port = free_port()
    env = {
        **env, **values,
        "DATABASE_URL": config.resolved_database_url(),
        "ACTION_ENDPOINT_URL": f"{config.actions_url}/webhook",
        # The holding service files kept complaints through this route, which
        # has no backup: a complaint is never "filed" by the holding service itself.
        "DIRECT_ACTIONS_URL": f"{config.actions_url}/direct/webhook",
        "RASA_URL": config.rasa_url,
    }
    if config.limit_exempt:  # the harness's choice wins over deploy/production.env's empty default
        env["CHAT_LIMIT_EXEMPT"] = config.limit_exempt
    python = sys.executable
    for number, port in enumerate(action_ports, 1):
        stack._spawn(f"actions-{number}", [python, "-m", "calmdesk.operations.action_server", "--actions", "actions", "--port", str(port)],
                     env, logs, f"http://{host}:{port}/health")
    stack._spawn(
        "holding",
        [python, "-m", "uvicorn", "--factory", "calmdesk.desk.holding:create_app", "--host", host,
         "--port", str(holding_port), "--no-access-log", "--ws", "none"],
        env, logs, f"http://{host}:{holding_port}/health",
    )
    stack._spawn(
        "web",
        [python, "-m", "uvicorn", "--factory", "calmdesk.web.app:create_app", "--host", host,
         "--port", str(config.web_port), "--no-access-log", "--ws", "none"],
        env, logs, f"{config.web_url}/healthz",
    )
    ready_file = config.var_dir / "broker_consumer.ready"
    ready_file.unlink(missing_ok=True)
    stack._spawn("consumer", [python, "-m", "calmdesk.operations.broker_consumer", "--ready-file", str(ready_file)],
                 env, logs, ready_file.as_uri())
    for number, port in enumerate(replica_ports, 1):
        stack._spawn(
            f"rasa-{number}",
            [rasa_executable(), "run", "--model", str(config.model), "--endpoints", str(ENDPOINTS),
             "--credentials", str(ROOT / "credentials.yml"), "--enable-api", f"--auth-token={config.rasa_token}",
             "--interface", host, "--port", str(port), "--cors", "*"],
            env, logs, f"http://{host}:{port}/status?token={config.rasa_token}",
        )
    nginx_dir = config.var_dir / "nginx"
    conf = write_nginx_config(nginx_dir, logs, host, config.rasa_port, config.actions_port,
                              replica_ports, action_ports, holding_port, FloodLimits.from_env(env))
    stack._spawn("nginx", [values["NGINX_BINARY"], "-p", str(nginx_dir), "-c", str(conf), "-e", str(logs / "nginx-error.log")],
                 env, logs, f"{config.rasa_url}/")


def write_nginx_config(nginx_dir: Path, logs: Path, host: str, public_port: int, actions_port: int,
                       replica_ports: list[int], action_ports: list[int], holding_port: int,
                       limits: FloodLimits | None = None) -> Path:
    """var/nginx/nginx.conf: customers -> Rasa replicas, Rasa -> action servers (holding service as backup)."""
    limits = limits if limits is not None else FloodLimits.from_env({})
    for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (nginx_dir / sub).mkdir(parents=True, exist_ok=True)

    def servers(ports: list[int], extra: str = "") -> str:
        return "\n".join(f"        server {host}:{port}{extra};" for port in ports)

    # nginx only honours `user` when started as root; then keep the workers
    # as the same user, since var/ may not be readable by `nobody`.
    user = "user root;\n" if os.geteuid() == 0 else ""
    text = f"""# Generated by calmdesk/operations/production.py for this run; edit that file, not this one.
{user}daemon off;
worker_processes 1;
pid {nginx_dir / 'nginx.pid'};
error_log {logs / 'nginx-error.log'} warn;
events {{ worker_connections 1024; }}

http {{
    access_log {logs / 'nginx-access.log'};
    client_body_temp_path {nginx_dir / 'client_body'};
    proxy_temp_path {nginx_dir / 'proxy'};
    fastcgi_temp_path {nginx_dir / 'fastcgi'};
    uwsgi_temp_path {nginx_dir / 'uwsgi'};
    scgi_temp_path {nginx_dir / 'scgi'};
    client_max_body_size 1m;

    map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}

{flood_zones(limits)}

    # REST channel and Rasa's HTTP API: any replica will do (shared tracker
    # store and lock store); a replica that refuses connections is skipped.
    # max_fails=0: never mark a replica down; a stopped one refuses the
    # connection at once and nginx tries the next.
    # Connections to the replicas are kept open and reused, as for the action
    # servers below: a new TCP connection per customer message cost nginx and
    # the replica an accept, a handshake and a new Sanic connection task each.
    upstream rasa {{
        least_conn;
{servers(replica_ports, " max_fails=0")}
        keepalive 32;
        keepalive_timeout 4s;
    }}
    # socket.io: the polling transport must reach the replica that issued its sid.
    upstream rasa_sticky {{
        ip_hash;
{servers(replica_ports, " max_fails=0")}
    }}
    # Rasa -> action servers; when none answers, the holding service.
    # Connections are kept open and reused: under a burst, a new TCP
    # connection per action call left a busy action server's listen queue
    # full, connects timed out and live servers were taken for dead (make
    # bench, the outage burst). Idle ones close before the action server's
    # own keep-alive (5 s) would, so nginx never sends on a closing one.
    upstream actions {{
{servers(action_ports, " max_fails=1 fail_timeout=2s")}
        server {host}:{holding_port} backup;
        keepalive 32;
        keepalive_timeout 4s;
    }}
    upstream actions_direct {{
{servers(action_ports)}
    }}

    server {{
        listen {host}:{public_port};
        proxy_set_header Host $host;
        # Rasa reads the customer's address from the last entry (SANIC_PROXIES_COUNT=1).
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        # HTTP/1.1 without "Connection: close", so upstream connections are reused.
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_connect_timeout 2s;
        location /webhooks/ {{
            # Customers' messages over REST: per-address limit, then any replica.
{flood_rules(limits, "chat_messages")}
            proxy_pass http://rasa;
            proxy_read_timeout 120s;
        }}
        location /socket.io/ {{
            # The widget: every long-poll is a request, so a looser rate here;
            # the channel itself counts the messages (channels/flood.py).
{flood_rules(limits, "chat_socket")}
            limit_conn chat_connections {SOCKET_CONNECTIONS_PER_ADDRESS};
            proxy_pass http://rasa_sticky;
            # A location's own proxy_set_header drops the server's: all four here.
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_read_timeout 300s;
        }}
        location @too_many {{
            default_type application/json;
            add_header Retry-After {NGINX_RETRY_AFTER} always;
            return 429 '{polite_json()}';
        }}
        # Rasa's HTTP API (token-protected; the web app and staff tools call it).
        location / {{
            proxy_pass http://rasa;
            proxy_read_timeout 120s;
        }}
    }}

    # Internal: only Rasa and the holding service call this.  An action call
    # carries the whole tracker and domain, so it may be large.
    server {{
        listen {host}:{actions_port};
        client_max_body_size 50m;
        client_body_buffer_size 1m;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        # A stopped action server refuses at once (the next one, or the
        # holding service, answers); a busy one may take a few seconds to
        # accept during a burst, and is still the better answer.
        proxy_connect_timeout 10s;
        proxy_read_timeout 60s;
        location /direct/ {{
            proxy_pass http://actions_direct/;
        }}
        location / {{
            proxy_pass http://actions;
        }}
    }}
}}
"""
    path = nginx_dir / "nginx.conf"
    path.write_text(text)
    return path


SOCKET_REQUESTS_PER_SECOND = 20  # per address: polls, upgrades and messages of its sockets together
SOCKET_BURST = 200
SOCKET_CONNECTIONS_PER_ADDRESS = 100
NGINX_RETRY_AFTER = 2


def flood_zones(limits: FloodLimits) -> str:
    """nginx's per-address counters: the same per-address rate as the app's (calmdesk.operations.flood).

    Exempt addresses get an empty key, which nginx does not count.
    """
    exempt = "".join(f"        {address} 1;\n" for address in sorted(limits.exempt))
    rate = limits.addresses.rate
    return f"""    # Flood limits per client address (calmdesk/operations/flood.py says why).
    geo $chat_exempt {{
        default 0;
{exempt}    }}
    map $chat_exempt $chat_client {{ 0 $binary_remote_addr; 1 ""; }}
    limit_req_zone $chat_client zone=chat_messages:10m rate={max(1, round(rate.per_minute))}r/m;
    limit_req_zone $chat_client zone=chat_socket:10m rate={SOCKET_REQUESTS_PER_SECOND}r/s;
    limit_conn_zone $chat_client zone=chat_connections:10m;
    limit_req_status 429;
    limit_conn_status 429;"""


def flood_rules(limits: FloodLimits, zone: str) -> str:
    """The ``limit_req`` lines of one location (nothing when the limits are off)."""
    if not limits.enabled:
        return "            # CHAT_LIMITS=off: no per-address limit"
    burst = limits.addresses.rate.burst if zone == "chat_messages" else SOCKET_BURST
    return (f"            limit_req zone={zone} burst={burst} nodelay;\n"
            f"            error_page 429 = @too_many;")


def polite_json() -> str:
    """The 429 body nginx sends, as the app's (no single quote, so it fits nginx's quoted string)."""
    body = Verdict(False, NGINX_RETRY_AFTER, "address").body()
    return json.dumps(body).replace("'", "\\u0027")
