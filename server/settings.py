"""Everything a server process can be told, with the defaults a laptop wants."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    redis_url: str | None = None
    data_dir: Path = Path("parcours-data")
    allowed_origins: tuple[str, ...] = ()
    """Origins allowed to open a websocket; empty means the server's own origin only."""
    max_connections_per_ip: int = 400
    messages_per_second: float = 30.0
    message_burst: int = 120
    hello_timeout: float = 15.0
    room_queue: int = 192
    """Commands one room may hold waiting for their commit; past it a socket's command is
    refused at once with ``rate`` (the browser sends it again), never queued for seconds."""
    process_queue: int = 256
    """Commands the process may hold waiting, over all rooms (server/rooms.py ``Admission``)."""
    log_level: str = "info"
    retention_days: float | None = None
    """Delete workshops nobody changed for this many days (None: keep them until deleted)."""
    pubsub: str = "auto"
    """``auto`` (sharded pub/sub on Redis/Valkey 7+, else classic), ``sharded`` or ``classic``."""
    redis_wait_replicas: int = 0
    """Acknowledge a change only once this many replicas hold it (``WAIT``); 0: do not wait."""
    redis_wait_timeout_ms: int = 500
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Settings from ``PARCOURS_*`` variables, then the explicit overrides."""
        env: dict[str, object] = {}
        if url := os.environ.get("PARCOURS_REDIS_URL"):
            env["redis_url"] = url
        if origins := os.environ.get("PARCOURS_ALLOWED_ORIGINS"):
            env["allowed_origins"] = tuple(o.strip() for o in origins.split(",") if o.strip())
        if days := os.environ.get("PARCOURS_RETENTION_DAYS"):
            env["retention_days"] = float(days)
        if data := os.environ.get("PARCOURS_DATA_DIR"):
            env["data_dir"] = Path(data)
        if pubsub := os.environ.get("PARCOURS_PUBSUB"):
            env["pubsub"] = pubsub
        if wait := os.environ.get("PARCOURS_REDIS_WAIT_REPLICAS"):
            env["redis_wait_replicas"] = int(wait)
        for name in ("room_queue", "process_queue", "message_burst"):
            if bound := os.environ.get(f"PARCOURS_{name.upper()}"):
                env[name] = int(bound)
        if per_second := os.environ.get("PARCOURS_MESSAGES_PER_SECOND"):
            env["messages_per_second"] = float(per_second)
        env.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**env)  # type: ignore[arg-type]
