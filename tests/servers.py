"""Real processes for the tests: the bundled redis-server and `parcours serve`, on free ports."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from server.embedded import EmbeddedRedis, free_port
from tests.timing import seconds

ROOT = Path(__file__).resolve().parent.parent


class ServerProcess:
    """One `parcours serve` child process against a given Redis URL."""

    def __init__(self, redis_url: str, port: int | None = None, *extra: str) -> None:
        self.redis_url = redis_url
        self.port = port or free_port()
        self.extra = extra
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path: Path | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    def start(self, log_dir: Path) -> ServerProcess:
        self.log_path = log_dir / f"server-{self.port}.log"
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        env.pop("PARCOURS_REDIS_URL", None)
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable, "-m", "server.cli", "serve",
                    "--port", str(self.port),
                    "--redis-url", self.redis_url,
                    "--log-level", "warning",
                    *self.extra,
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
        self.wait_ready()
        return self

    def wait_ready(self) -> None:
        deadline = time.monotonic() + seconds(20)
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"parcours serve exited: {self.log()}")
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=1) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                time.sleep(0.05)
        raise RuntimeError(f"parcours serve did not start: {self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path else ""

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(seconds(15))
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def kill(self) -> None:
        self.stop(signal.SIGKILL)


def start_redis(data_dir: Path) -> EmbeddedRedis:
    redis = EmbeddedRedis(data_dir, port=free_port())
    redis.start()
    return redis
