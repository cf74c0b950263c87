"""The processes a run starts: Redis, Parcours servers, baseline relays and generator workers.

Every process listens on 127.0.0.1 (or a unix socket) only, is started by us, waited for with a
bounded readiness loop and stopped by its own pid.
"""

from __future__ import annotations

import contextlib
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parent.parent
TREE = {"path": ROOT}
"""Where server processes run from: this checkout, or a snapshot of a commit (``use_commit``)."""


def use_commit(rev: str, patches: list[str] | None = None) -> Path:
    """Serve from a clean export of ``rev`` so that edits in progress never leak into a run.

    ``patches`` (unified diffs, ``-p1``) are applied to the export only: how a proposed server
    change is measured without touching the checkout.
    """
    sha = subprocess.run(
        ["git", "rev-parse", "--short", rev], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    tag = "".join(f"+{Path(p).stem}" for p in patches or [])
    target = Path(tempfile.gettempdir()) / f"parcours-{sha}{tag}"
    if not (target / "server").is_dir():
        target.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "archive", sha], cwd=ROOT, capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
        for patch in patches or []:
            with open(patch, "rb") as diff:
                subprocess.run(["patch", "-p1", "-s", "-d", str(target)], stdin=diff, check=True)
    TREE["path"] = target
    return target


def raise_file_limit() -> int:
    """Soft open-file limit up to the hard one (children inherit it)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def redis_binary() -> str:
    from server.embedded import binary

    return binary()


def redis_benchmark_binary() -> str | None:
    """redis-benchmark next to the bundled redis-server, else on PATH, else None."""
    bundled = Path(redis_binary()).with_name("redis-benchmark")
    if bundled.is_file() and os.access(bundled, os.X_OK):
        return str(bundled)
    return shutil.which("redis-benchmark")


class Proc:
    """A child process we own."""

    def __init__(self, name: str, args: list[str], log: Path, cwd: Path = ROOT) -> None:
        self.name = name
        self.args = args
        self.log_path = log
        self._log = log.open("wb")
        self.process = subprocess.Popen(
            args,
            cwd=cwd,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-2000:]

    def stop(self, timeout: float = 10.0) -> None:
        profiler = getattr(self, "profiler", None)
        if profiler is not None and profiler.poll() is None:
            profiler.send_signal(signal.SIGINT)
            try:
                profiler.wait(20)
            except subprocess.TimeoutExpired:
                profiler.kill()
                profiler.wait()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


class Redis(Proc):
    """The bundled redis-server, on a loopback port and a unix socket, AOF everysec like prod."""

    def __init__(self, workdir: Path) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="pb-", dir="/tmp"))
        self.port = free_port()
        self.unix = self.dir / "redis.sock"
        args = [
            redis_binary(),
            "--bind",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--unixsocket",
            str(self.unix),
            "--unixsocketperm",
            "700",
            "--dir",
            str(self.dir),
            "--save",
            "",
            "--appendonly",
            "yes",
            "--appendfsync",
            "everysec",
            "--protected-mode",
            "yes",
            "--maxclients",
            "10000",
        ]
        super().__init__("redis", args, workdir / "redis.log")
        client = redis.Redis(unix_socket_path=str(self.unix), socket_timeout=0.5)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(f"redis-server exited: {self.tail()}")
            try:
                if client.ping():
                    break
            except (redis.RedisError, OSError):
                time.sleep(0.02)
        else:
            raise RuntimeError("redis-server did not answer PING in 10 s")
        client.close()

    def url(self, transport: str = "unix") -> str:
        if transport == "unix":
            return f"unix://{self.unix}"
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis(unix_socket_path=str(self.unix))

    def stop(self, timeout: float = 10.0) -> None:
        super().stop(timeout)
        shutil.rmtree(self.dir, ignore_errors=True)


def _wait_http(proc: Proc, port: int, path: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not proc.alive():
            raise RuntimeError(f"{proc.name} exited: {proc.tail()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=1):
                return
        except urllib.error.HTTPError:
            return  # it answers: a websocket-only server says 4xx to a plain GET
        except (urllib.error.URLError, OSError):
            time.sleep(0.05)
    raise RuntimeError(f"{proc.name} did not start in {timeout} s: {proc.tail()}")


_NO_UVLOOP = (
    "import sys; sys.modules['uvloop'] = None; from server.cli import main; sys.exit(main())"
)


def parcours(
    redis_url: str,
    workdir: Path,
    loop: str = "auto",
    name: str = "parcours",
    extra: tuple[str, ...] = (),
) -> Proc:
    """``python -m server.cli serve``, the real thing, with the per-address cap raised."""
    port = free_port()
    launcher = ["-m", "server.cli"]
    if loop == "asyncio":  # uvicorn picks uvloop whenever it is installed: hide it
        launcher = ["-c", _NO_UVLOOP]
    args = [
        sys.executable,
        *launcher,
        "serve",
        "--port",
        str(port),
        "--redis-url",
        redis_url,
        "--log-level",
        "warning",
        "--max-connections-per-ip",
        "100000",
        *extra,
    ]
    proc = Proc(name, args, workdir / f"{name}-{port}.log", cwd=TREE["path"])
    proc.port = port  # type: ignore[attr-defined]
    _wait_http(proc, port, "/healthz")
    if os.environ.get("BENCH_PROFILE"):
        proc.profiler = _profile(proc, Path(os.environ["BENCH_PROFILE"]))  # type: ignore[attr-defined]
    return proc


def _profile(proc: Proc, folder: Path) -> subprocess.Popen[bytes] | None:
    """py-spy, attached to a server for its whole life: collapsed stacks in ``folder``."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not os.path.exists(spy):
        return None
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"{proc.name}-{proc.pid}.txt"
    return subprocess.Popen(
        [
            spy,
            "record",
            "--pid",
            str(proc.pid),
            "--rate",
            "250",
            "--format",
            "raw",
            "--output",
            str(out),
            "--nonblocking",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def relay(kind: str, workdir: Path, redis_url: str | None = None, loop: str = "auto") -> Proc:
    """A baseline relay: ``ws`` (raw websockets), ``asgi`` (Starlette) or ``ws`` + Redis."""
    port = free_port()
    module = {"ws": "bench.relay_ws", "asgi": "bench.relay_asgi"}[kind]
    args = [sys.executable, "-m", module, "--port", str(port), "--loop", loop]
    return _baseline(f"relay-{kind}", port, args, redis_url, workdir, "/ws")


def _baseline(
    name: str, port: int, args: list[str], redis_url: str | None, workdir: Path, path: str
) -> Proc:
    """Start a relay or peer on ``port`` (over Redis with ``redis_url``), wait for it to answer."""
    if redis_url:
        args += ["--redis-url", redis_url]
        name += "-redis"
    proc = Proc(name, args, workdir / f"{name}-{port}.log")
    proc.port = port  # type: ignore[attr-defined]
    _wait_http(proc, port, path)
    return proc


class Missing(RuntimeError):
    """A baseline that cannot run here (its runtime or packages are not installed)."""


def peer_missing(kind: str) -> str:
    """Why the ``sio`` (Node) or ``pysio`` (python-socketio) peer cannot run here, or ""."""
    if kind == "sio":
        if shutil.which("node") is None:
            return "node is not installed"
        for package in ("socket.io", "@socket.io/redis-adapter", "redis"):
            if not (ROOT / "node_modules" / package / "package.json").is_file():
                return f"node_modules lacks {package} (run npm ci)"
        return ""
    import importlib.util

    if importlib.util.find_spec("socketio") is None:
        return "python-socketio is not installed (pip install -e '.[bench]')"
    return ""


def peer(kind: str, workdir: Path, redis_url: str | None = None, loop: str = "auto") -> Proc:
    """The peer: ``sio`` (Node, Socket.IO + its Redis adapter) or ``pysio`` (python-socketio +
    its AsyncRedisManager, under uvicorn); raises :class:`Missing` when it cannot run here."""
    why = peer_missing(kind)
    if why:
        raise Missing(f"peer-{kind} skipped: {why}")
    port = free_port()
    if kind == "sio":
        args = ["node", str(ROOT / "bench" / "peer_sio.mjs"), "--port", str(port)]
    else:
        args = [sys.executable, "-m", "bench.peer_pysio", "--port", str(port), "--loop", loop]
    return _baseline(f"peer-{kind}", port, args, redis_url, workdir, "/")


@contextlib.contextmanager
def running(*procs: Proc):  # type: ignore[no-untyped-def]
    try:
        yield procs
    finally:
        for proc in reversed(procs):
            proc.stop()
