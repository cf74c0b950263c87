"""create_app(settings): the routes, the static board, security headers and the lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from redis.exceptions import RedisError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket

from board import STATIC
from server import api, collector, exports_api, keeping_api, photos_api, redisconn, reference
from server.context import ConnectionCaps, Context, WrongCodes
from server.fanout import Hub
from server.rooms import Admission
from server.settings import Settings
from server.store import Store

log = logging.getLogger("parcours")

REDIS_CONNECTIONS = 100

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)


class SecurityHeaders:
    """Adds the Content-Security-Policy and friends to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"),
                ]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _page(request: Request) -> Response:
    return FileResponse(STATIC / "index.html", headers={"cache-control": "no-cache"})


async def _not_served_here(websocket: WebSocket) -> None:
    """/ws reached through ASGI: the board's sockets are served by ``server.cli`` on uvicorn
    (server/sockets.py), so another server gets a clear refusal instead of a silent one."""
    log.error("a board socket came through ASGI: start Parcours with `python -m server.cli serve`")
    await websocket.accept()
    await websocket.close(1011, "this server does not carry board sockets: run server.cli")


async def _version(client: object) -> tuple[int, int]:
    """The server version, waiting a while for a Redis that is still starting."""
    delay = 0.1
    for _ in range(40):
        try:
            return await redisconn.server_version(client)
        except (RedisError, OSError) as exc:
            log.warning("Redis not answering yet (%s); waiting", exc)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 1.0)
    log.warning("Redis still not answering: assuming a server without sharded pub/sub")
    return (0, 0)


def create_app(settings: Settings) -> Starlette:
    if not settings.redis_url:
        raise ValueError("create_app needs settings.redis_url (the CLI starts an embedded Redis)")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        client, target = redisconn.connect(settings.redis_url or "", REDIS_CONNECTIONS)
        sharded = redisconn.sharded_for(settings.pubsub, await _version(client))  # type: ignore[arg-type]
        store = Store(
            client,
            sharded=sharded,
            wait_replicas=settings.redis_wait_replicas,
            wait_timeout_ms=settings.redis_wait_timeout_ms,
            target=target,
        )
        admission = Admission(settings.room_queue, settings.process_queue)
        hub = Hub(store, client, sharded=sharded, target=target, admission=admission)
        log.info(
            "Redis %s, %s pub/sub%s",
            "Cluster" if target.cluster else "server",
            hub.mode,
            f", acks wait for {settings.redis_wait_replicas} replica(s)"
            if settings.redis_wait_replicas
            else "",
        )
        app.state.ctx = Context(
            settings=settings,
            store=store,
            hub=hub,
            caps=ConnectionCaps(settings.max_connections_per_ip),
            wrong_codes=WrongCodes(),
        )
        runner = asyncio.create_task(hub.run(), name="hub")
        pacer = asyncio.create_task(collector.paced(), name="collector")
        purger = None
        if settings.retention_days:
            purger = asyncio.create_task(
                keeping_api.retention(store, settings.retention_days), name="retention"
            )
        try:
            yield
        finally:
            if purger is not None:
                purger.cancel()
            pacer.cancel()
            runner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await runner
            await store.aclose()
            await client.aclose()

    routes = [
        Route("/", _page, name="page_home"),
        Route("/w/{workshop}", _page, name="page_board"),
        Route("/w/{workshop}/screen", _page, name="page_screen"),
        Route("/w/{workshop}/v/{version}", _page, name="page_version"),
        Route("/j/{code}", _page, name="page_join"),
        Route("/healthz", api.health),
        Route("/api/templates", api.list_templates),
        Route("/api/workshops", api.create_workshop, methods=["POST"]),
        Route("/api/join", api.join_workshop, methods=["POST"]),
        Route("/api/workshops/{workshop}/template", api.save_template, methods=["POST"]),
        Route("/api/join/{code}/qr.svg", api.join_qr),
        Route(reference.URL, reference.serve),
        *exports_api.routes,
        *keeping_api.routes,
        *photos_api.routes,
        WebSocketRoute("/ws", _not_served_here),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.add_middleware(SecurityHeaders)
    return app
