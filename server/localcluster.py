"""A Redis Cluster on loopback, for trying Parcours on one (``parcours redis --cluster 3``) and
for the test suites: N masters with R replicas each, our own child processes.

It wants a ``redis-server`` 7 (Debian's ``redis-server`` package, or ``PARCOURS_REDIS_SERVER``):
sharded pub/sub and ``CLUSTER ADDSLOTSRANGE`` are 7.0. With only the bundled 6.2 it still runs,
with classic pub/sub. Every node has AOF ``everysec`` and ``cluster-require-full-coverage no``
(a shard that is failing over does not stop the others). Never expose it: loopback only.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import redis

from server import embedded
from server.embedded import EmbeddedRedisError, free_port

SLOTS = 16384


def binary_version(path: str) -> tuple[int, int]:
    out = subprocess.run([path, "--version"], capture_output=True, text=True, check=False).stdout
    found = re.search(r"v=(\d+)\.(\d+)", out)
    return (int(found[1]), int(found[2])) if found else (0, 0)


def redis7_binary() -> str | None:
    """A redis-server 7+ to run: ``PARCOURS_REDIS_SERVER``, else one on PATH; None if none."""
    for candidate in (os.environ.get("PARCOURS_REDIS_SERVER"), shutil.which("redis-server")):
        if candidate and os.access(candidate, os.X_OK) and binary_version(candidate) >= (7, 0):
            return candidate
    return None


@dataclass(slots=True)
class Node:
    port: int
    bus_port: int
    data_dir: Path
    process: subprocess.Popen[bytes] | None = None
    id: str = ""

    @property
    def name(self) -> str:
        return f"127.0.0.1:{self.port}"

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=5)

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


@dataclass(slots=True)
class LocalCluster:
    root: Path
    masters: int = 3
    replicas: int = 1
    base_port: int | None = None
    """Ports base, base+1, ...; None: free ports (the tests)."""
    node_timeout_ms: int = 1000
    binary: str = ""
    nodes: list[Node] = field(default_factory=list)
    version: tuple[int, int] = (0, 0)

    def __post_init__(self) -> None:
        if self.masters < 3:
            raise ValueError("a Redis Cluster needs at least 3 masters")
        if not self.binary:
            self.binary = redis7_binary() or embedded.binary()
        self.version = binary_version(self.binary)

    @property
    def url(self) -> str:
        seeds = ",".join(n.name for n in self.nodes[: self.masters])
        return f"redis+cluster://{seeds}"

    # -- processes ------------------------------------------------------------------------

    def _args(self, node: Node) -> list[str]:
        args = [
            self.binary,
            "--port", str(node.port),
            "--bind", "127.0.0.1",
            "--protected-mode", "yes",
            "--daemonize", "no",
            "--dir", str(node.data_dir),
            "--cluster-enabled", "yes",
            "--cluster-config-file", "nodes.conf",
            "--cluster-node-timeout", str(self.node_timeout_ms),
            "--cluster-require-full-coverage", "no",
            "--save", "",
            "--appendonly", "yes",
            "--appendfsync", "everysec",
            "--logfile", str(node.data_dir / "redis.log"),
        ]  # fmt: skip
        if self.version >= (7, 0):
            args += ["--cluster-port", str(node.bus_port)]
        return args

    def _spawn(self, node: Node) -> None:
        node.data_dir.mkdir(parents=True, exist_ok=True)
        node.process = subprocess.Popen(
            self._args(node),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=embedded._die_with_parent,
        )

    def _wait_ping(self, node: Node, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        client = node.client()
        try:
            while time.monotonic() < deadline:
                if node.process is not None and node.process.poll() is not None:
                    log = node.data_dir / "redis.log"
                    tail = log.read_text(errors="replace")[-800:] if log.exists() else ""
                    raise EmbeddedRedisError(f"cluster node {node.name} exited: {tail}")
                try:
                    if client.ping():
                        return
                except (redis.RedisError, OSError):
                    time.sleep(0.02)
            raise EmbeddedRedisError(f"cluster node {node.name} did not answer PING")
        finally:
            client.close()

    def _ports(self, count: int) -> list[tuple[int, int]]:
        if self.base_port is not None:
            return [(self.base_port + i, self.base_port + i + 10000) for i in range(count)]
        found: list[tuple[int, int]] = []
        while len(found) < count:
            port = free_port()
            bus = free_port() if self.version >= (7, 0) else port + 10000
            if bus <= 65535 and port not in {p for pair in found for p in pair}:
                found.append((port, bus))
        return found

    # -- the cluster ----------------------------------------------------------------------

    def start(self, timeout: float = 30.0) -> str:
        """Start every node, join them, give the masters the slots and their replicas."""
        total = self.masters * (1 + self.replicas)
        for i, (port, bus) in enumerate(self._ports(total)):
            self.nodes.append(Node(port=port, bus_port=bus, data_dir=self.root / f"node-{i}"))
        known = all((node.data_dir / "nodes.conf").exists() for node in self.nodes)
        for node in self.nodes:
            self._spawn(node)
        if known:  # started before: every node rejoins from its nodes.conf, with its data
            for node in self.nodes:
                self._wait_ping(node)
            self.wait_healthy(timeout)
            return self.url
        for node in self.nodes:
            self._wait_ping(node)
            with node.client() as client:
                node.id = _text(client.execute_command("CLUSTER", "MYID"))
        first = self.nodes[0]
        with first.client() as client:
            for node in self.nodes[1:]:
                client.execute_command("CLUSTER", "MEET", "127.0.0.1", node.port, node.bus_port)
        for index in range(self.masters):
            start = SLOTS * index // self.masters
            end = SLOTS * (index + 1) // self.masters - 1
            with self.nodes[index].client() as client:
                if self.version >= (7, 0):
                    client.execute_command("CLUSTER", "ADDSLOTSRANGE", start, end)
                else:
                    client.execute_command("CLUSTER", "ADDSLOTS", *range(start, end + 1))
        self._until(lambda: all(self._known(n) == total for n in self.nodes), timeout, "meet")
        for index, node in enumerate(self.nodes[self.masters :]):
            master = self.nodes[index % self.masters]
            with node.client() as client:
                client.execute_command("CLUSTER", "REPLICATE", master.id)
        self.wait_healthy(timeout)
        return self.url

    def _known(self, node: Node) -> int:
        with node.client() as client:
            text = _text(client.execute_command("CLUSTER", "NODES"))
        return sum(1 for line in text.splitlines() if line.strip() and "fail" not in line)

    def _until(self, check: object, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if check():  # type: ignore[operator]
                    return
            except (redis.RedisError, OSError):
                pass
            time.sleep(0.05)
        raise EmbeddedRedisError(f"the local cluster did not settle ({what}) in {timeout} s")

    def wait_healthy(self, timeout: float = 30.0) -> None:
        """Every live node says cluster_state:ok, and every master has a linked replica."""

        def healthy() -> bool:
            masters_with_replica = 0
            for node in self.nodes:
                if not node.alive:
                    continue
                with node.client() as client:
                    info = _text(client.execute_command("CLUSTER", "INFO"))
                    if "cluster_state:ok" not in info:
                        return False
                    repl = client.info("replication")
                    if repl.get("role") == "slave":
                        if repl.get("master_link_status") != "up":
                            return False
                    elif int(repl.get("connected_slaves", 0)) >= min(self.replicas, 1):
                        masters_with_replica += 1
            return masters_with_replica >= self.masters

        self._until(healthy, timeout, "state ok")

    def master_of(self, key: str) -> Node:
        """The node that is master of ``key``'s slot now."""
        for node in self.nodes:
            if not node.alive:
                continue
            with node.client() as client:
                slot = int(client.execute_command("CLUSTER", "KEYSLOT", key))
                for start, end, master, *_ in client.execute_command("CLUSTER", "SLOTS"):
                    if start <= slot <= end:
                        port = int(master[1])
                        return next(n for n in self.nodes if n.port == port)
        raise EmbeddedRedisError(f"no live node owns the slot of {key}")

    def role(self, node: Node) -> str:
        with node.client() as client:
            return str(client.info("replication").get("role"))

    def kill(self, node: Node) -> None:
        """SIGKILL, as a crash would."""
        if node.process is not None:
            node.process.send_signal(signal.SIGKILL)
            node.process.wait()
            node.process = None

    def restart(self, node: Node) -> None:
        """Start a killed node again: it rejoins from its nodes.conf (as a replica, if it was
        replaced)."""
        self._spawn(node)
        self._wait_ping(node)

    def stop(self) -> None:
        for node in self.nodes:
            if node.process is not None and node.process.poll() is None:
                node.process.terminate()
        for node in self.nodes:
            if node.process is not None:
                try:
                    node.process.wait(10)
                except subprocess.TimeoutExpired:
                    node.process.kill()
                    node.process.wait()
                node.process = None


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
