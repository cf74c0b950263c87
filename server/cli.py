"""The ``parcours`` command: serve the board, or run the bundled Redis on its own."""

from __future__ import annotations

import argparse
import gc
import logging
import signal
import socket
import sys
import time
from pathlib import Path

import uvicorn

from server.embedded import EmbeddedRedis, EmbeddedRedisError
from server.export import command as export_command
from server.settings import Settings
from sessions.protocol import FRAME_MAX

log = logging.getLogger("parcours")

GC_YOUNG = 20_000
"""Allocations between two young collections (Python's default: 700). Thousands of sockets and
boards keep millions of objects alive, so a full collection walks them all: 60-210 ms during
which no room moves (the 100-rooms p99). Young collections 30 times rarer make full ones as much
rarer; refcounting still frees everything that is not a cycle. A busy process's young
generation is also collected every 50 ms (``server.collector``), so that it never grows long."""
GC_MIDDLE = 3
"""Young collections between two middle ones (Python's default: 10). What survives a young
collection (the objects of sockets that just connected, notes just added) waits in the middle
generation until it is walked once more: after 10 young ones that took 60 ms, after 3 about 20,
and once a crowd has joined it happens while it joins rather than during the first changes
(100 rooms x 30: max 65-97 ms -> 7-28 ms)."""

SEND_BUFFER = 128 * 1024
"""Kernel send buffer of each socket (Linux doubles it): what a slow reader can hold there."""


def _serve(args: argparse.Namespace) -> int:
    settings = Settings.from_env(
        host=args.host,
        port=args.port,
        redis_url=args.redis_url,
        data_dir=Path(args.data_dir) if args.data_dir else None,
        allowed_origins=tuple(args.allow_origin) if args.allow_origin else None,
        log_level=args.log_level,
        max_connections_per_ip=args.max_connections_per_ip,
        room_queue=args.room_queue,
        process_queue=args.process_queue,
        messages_per_second=args.messages_per_second,
        message_burst=args.message_burst,
        retention_days=args.retention_days,
        pubsub=args.pubsub,
        redis_wait_replicas=args.redis_wait_replicas,
        redis_wait_timeout_ms=args.redis_wait_timeout_ms,
    )
    embedded = None
    if not settings.redis_url:
        embedded = EmbeddedRedis(settings.data_dir)
        try:
            url = embedded.start()
        except EmbeddedRedisError as exc:
            log.error("%s", exc)
            return 2
        log.info("embedded Redis (loopback only) serving %s", settings.data_dir.resolve())
        settings = Settings.from_env(**{**_fields(settings), "redis_url": url})
    from server.app import create_app
    from server.sockets import protocol_for

    app = create_app(settings)
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        ws=protocol_for(app),  # the board's sockets, straight on the loop (server/sockets.py)
        ws_max_size=FRAME_MAX,
        ws_per_message_deflate=False,
        ws_ping_interval=args.ws_ping_interval,
        ws_ping_timeout=args.ws_ping_timeout,
        log_level=settings.log_level,
        timeout_graceful_shutdown=5,
        access_log=False,
    )
    gc.set_threshold(GC_YOUNG, GC_MIDDLE, 10)
    gc.freeze()  # what was loaded at start (modules, templates, classes) is never walked again
    try:
        listener = config.bind_socket()
        # Accepted sockets inherit it: a client that reads too slowly fills its bounded queue
        # (and is closed with 1013) after this much, not after the 4 MB Linux would grow to.
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER)
        uvicorn.Server(config).run(sockets=[listener])
    finally:
        if embedded is not None:
            embedded.stop()
    return 0


def _fields(settings: Settings) -> dict[str, object]:
    return {name: getattr(settings, name) for name in settings.__dataclass_fields__}


def _redis(args: argparse.Namespace) -> int:
    if args.cluster:
        return _redis_cluster(args)
    embedded = EmbeddedRedis(Path(args.data_dir), port=args.port or 6379)
    try:
        url = embedded.start()
    except EmbeddedRedisError as exc:
        log.error("%s", exc)
        return 2
    log.info("Redis 6.2 (bundled, loopback only) at %s; Ctrl+C stops it", url)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        assert embedded.process is not None
        embedded.process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        embedded.stop()
    return 0


def _redis_cluster(args: argparse.Namespace) -> int:
    from server.localcluster import LocalCluster

    made = LocalCluster(
        Path(args.data_dir) / "cluster",
        masters=args.cluster,
        replicas=args.replicas,
        base_port=args.port or 7000,
    )
    if made.version < (7, 0):
        log.warning("no redis-server 7 found (apt install redis-server): using %s", made.binary)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        url = made.start()
        log.info(
            "Redis Cluster %d.%d (%d masters, %d replicas each, loopback only) at %s; "
            "Ctrl+C stops it. Run: parcours serve --redis-url %s",
            *made.version,
            args.cluster,
            args.replicas,
            url,
            url,
        )
        while any(node.alive for node in made.nodes):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    except EmbeddedRedisError as exc:
        log.error("%s", exc)
        return 2
    finally:
        made.stop()
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="parcours", description="Real-time customer-journey board.")
    commands = top.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve the board (embedded Redis unless --redis-url)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--redis-url",
        help="external Redis/Valkey (env PARCOURS_REDIS_URL); redis+cluster://host:port for a "
        "Redis Cluster",
    )
    serve.add_argument(
        "--pubsub",
        choices=["auto", "sharded", "classic"],
        help="fan-out: sharded pub/sub (Redis 7+), classic, or auto (the default)",
    )
    serve.add_argument(
        "--redis-wait-replicas",
        type=int,
        help="acknowledge a change only once this many replicas hold it (WAIT; default 0)",
    )
    serve.add_argument(
        "--redis-wait-timeout-ms",
        type=int,
        help="how long a commit waits for those replicas before answering unavailable (500)",
    )
    serve.add_argument("--data-dir", help="embedded Redis data (default ./parcours-data)")
    serve.add_argument(
        "--allow-origin", action="append", help="origin allowed to connect (repeatable)"
    )
    serve.add_argument("--log-level", default="info")
    serve.add_argument(
        "--max-connections-per-ip", type=int, help="sockets one address may hold (default 400)"
    )
    serve.add_argument(
        "--room-queue",
        type=int,
        help="commands a room may hold waiting; past it they are refused with rate (192)",
    )
    serve.add_argument(
        "--process-queue",
        type=int,
        help="commands the process may hold waiting, over all rooms (256)",
    )
    serve.add_argument(
        "--messages-per-second",
        type=float,
        help="changes one socket may send a second, over a burst; past it: rate (30)",
    )
    serve.add_argument(
        "--message-burst",
        type=int,
        help="changes one socket may send at once before --messages-per-second applies (120)",
    )
    serve.add_argument(
        "--retention-days",
        type=float,
        help="delete workshops nobody changed for N days (env PARCOURS_RETENTION_DAYS; off)",
    )
    serve.add_argument(
        "--ws-ping-interval",
        type=float,
        default=20.0,
        help="seconds between websocket pings (default 20)",
    )
    serve.add_argument(
        "--ws-ping-timeout",
        type=float,
        default=20.0,
        help="seconds without a pong before a socket is closed as dead (default 20)",
    )
    serve.set_defaults(run=_serve)

    red = commands.add_parser("redis", help="run the bundled Redis alone, for several instances")
    red.add_argument("--port", type=int, help="port (default 6379; first port of a cluster: 7000)")
    red.add_argument("--data-dir", default="parcours-data")
    red.add_argument(
        "--cluster",
        type=int,
        metavar="N",
        help="run a local Redis Cluster of N masters instead (redis-server 7 from PATH)",
    )
    red.add_argument("--replicas", type=int, default=1, help="replicas per master (cluster)")
    red.set_defaults(run=_redis)

    export_command.add_commands(commands)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(
        level=getattr(args, "log_level", "info").upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    code: int = args.run(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
