"""``parcours export`` and ``parcours import``: the exports from the command line.

Both read the store directly (no server needed): ``--redis-url`` (or ``PARCOURS_REDIS_URL``), or
the embedded data directory of ``parcours serve`` (``--data-dir``, default ``./parcours-data``).
When a ``serve`` already runs that embedded Redis, they use its unix socket; otherwise they start
it for the time of the command, and stop it after.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import redis

from server import export, redisconn
from server.embedded import EmbeddedRedis, EmbeddedRedisError
from server.export import transfer
from server.store import Store
from sessions import snapshot, versions
from sessions.model import Workshop


class CommandError(Exception):
    """A refusal to explain to the person at the terminal (exit status 2)."""


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    out = commands.add_parser(
        "export", help="export a workshop (pack, json, xlsx, csv, html, pdf, ...)"
    )
    out.add_argument("workshop", help="workshop id or join code")
    out.add_argument("--format", "-f", choices=list(export.FORMATS), default="json")
    out.add_argument("--lang", choices=["en", "fr"], help="language (default: the workshop's)")
    out.add_argument("--anonymise", action="store_true", help="withhold names and verbatims")
    out.add_argument(
        "--private",
        action="store_true",
        help="include the private notes not yet revealed (marked); left out otherwise",
    )
    out.add_argument("--part", help="one part only: 'notes' or 'roadmap' (csv), a persona id")
    out.add_argument(
        "--output", "-o", help="file (or folder for csv, svg, png); '-' writes to stdout"
    )
    _store_options(out)
    out.set_defaults(run=run_export)

    into = commands.add_parser("import", help="import a JSON snapshot as a new workshop")
    into.add_argument("file", help="the snapshot (.json); '-' reads stdin")
    into.add_argument("--base-url", default="http://127.0.0.1:8000", help="for the printed links")
    _store_options(into)
    into.set_defaults(run=run_import)


def _store_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--redis-url", help="external Redis/Valkey (env PARCOURS_REDIS_URL)")
    parser.add_argument("--data-dir", help="embedded Redis data (default ./parcours-data)")


@contextlib.contextmanager
def _redis_url(args: argparse.Namespace, creating: bool) -> Iterator[str]:
    url = args.redis_url or os.environ.get("PARCOURS_REDIS_URL")
    if url:
        yield url
        return
    data_dir = Path(args.data_dir or os.environ.get("PARCOURS_DATA_DIR") or "parcours-data")
    socket_path = data_dir / "redis.sock"
    if socket_path.exists():
        try:
            redis.Redis(unix_socket_path=str(socket_path), socket_timeout=1).ping()
        except (redis.RedisError, OSError):
            pass
        else:
            yield f"unix://{socket_path.resolve()}"
            return
    _refuse_if_running(data_dir)
    if not creating and not data_dir.is_dir():
        raise CommandError(
            f"No Parcours data in {data_dir.resolve()}: pass --data-dir, or --redis-url."
        )
    embedded = EmbeddedRedis(data_dir)
    try:
        url = embedded.start()
    except EmbeddedRedisError as exc:
        raise CommandError(str(exc)) from None
    try:
        yield url
    finally:
        embedded.stop()


def _refuse_if_running(data_dir: Path) -> None:
    """Two Redis servers on one data directory would corrupt it: never start a second."""
    pid_file = data_dir / "redis.pid"
    try:
        pid = int(pid_file.read_text().strip())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return
    raise CommandError(
        f"A Redis server (pid {pid}) already runs on {data_dir.resolve()} without its unix "
        "socket: pass its address with --redis-url."
    )


def run_export(args: argparse.Namespace) -> int:
    try:
        with _redis_url(args, creating=False) as url:
            workshop, shown = asyncio.run(_load(args.workshop, url))
        _export(args, workshop, shown)
    except CommandError as exc:
        sys.stderr.write(f"parcours export: {exc}\n")
        return 2
    return 0


async def _load(reference: str, url: str) -> tuple[Workshop, dict[str, bytes]]:
    client, _ = redisconn.connect(url, 4)
    try:
        store = Store(client)
        workshop_id = await transfer.resolve(store, reference)
        loaded = await store.load(workshop_id) if workshop_id else None
        shown = await store.photos(workshop_id) if loaded and workshop_id else {}
    finally:
        await client.aclose()
    if loaded is None:
        raise CommandError(f"No workshop has the id or join code {reference!r}.")
    return versions.board_of(loaded.workshop), shown  # the board: no histories, no trash


def _export(args: argparse.Namespace, workshop: Workshop, shown: dict[str, bytes]) -> None:
    fmt = export.FORMATS[args.format]
    progress = Progress(f"export {fmt.name}")
    options = export.Options(
        lang=args.lang or workshop.lang,
        anonymise=args.anonymise,
        private=args.private,
        exported_at=transfer.now(),
        photos=shown,
    )
    parts: list[str | None] = [None]
    if fmt.parts is not None:
        known = fmt.parts(workshop)
        if args.part is not None and args.part not in known:
            choices = ", ".join(known) or "none"
            raise CommandError(f"{fmt.name} has no part {args.part!r} here (parts: {choices}).")
        parts = [args.part] if args.part else list(known)
    elif args.part is not None:
        raise CommandError(f"{fmt.name} is one file: it has no parts.")
    if not parts:
        raise CommandError("This workshop has no persona, so no journey picture.")
    folder = _folder(args.output, fmt, len(parts))
    prepared = export.prepare(workshop, options)
    for index, part in enumerate(parts):
        progress.step(index, len(parts), part or fmt.name)
        body = fmt.render(prepared, options, part)
        if args.output == "-":
            sys.stdout.buffer.write(body)
            continue
        target = (
            folder / export.file_name(workshop, fmt, part) if folder else Path(args.output or ".")
        )
        if target.is_dir():
            target = target / export.file_name(workshop, fmt, part)
        target.write_bytes(body)
        progress.done_file(target, len(body))
    progress.finish(len(parts))


def _folder(output: str | None, fmt: export.Format, count: int) -> Path | None:
    """Where the files of a multi-part export go (None: one file at ``output``)."""
    if fmt.parts is None or (count == 1 and output and not Path(output).is_dir()):
        return None
    if output == "-":
        if count > 1:
            raise CommandError("Several files cannot go to stdout: choose one with --part.")
        return None
    folder = Path(output or ".")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def run_import(args: argparse.Namespace) -> int:
    try:
        raw = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    except OSError as exc:
        sys.stderr.write(f"parcours import: cannot read {args.file}: {exc.strerror}\n")
        return 2
    try:
        workshop, carried = transfer.readied(raw, transfer.new_workshop_id())
    except snapshot.InvalidSnapshot as exc:
        sys.stderr.write(f"parcours import: {args.file}: {exc.message}\n")
        return 1
    try:
        with _redis_url(args, creating=True) as url:
            created = asyncio.run(_import(workshop, carried, url))
    except CommandError as exc:
        sys.stderr.write(f"parcours import: {exc}\n")
        return 2
    links = created.links()
    base = args.base_url.rstrip("/")
    sys.stdout.write(
        f"Imported {workshop.title!r} as workshop {created.workshop}.\n"
        f"Facilitator link (private): {base}{links['board']}\n"
        f"Participants: {base}{links['join']} (join code {created.code})\n"
    )
    return 0


async def _import(workshop: Workshop, carried: dict[str, bytes], url: str) -> transfer.Imported:
    client, _ = redisconn.connect(url, 4)
    try:
        return await transfer.create(Store(client), workshop, carried)
    finally:
        await client.aclose()


class Progress:
    """A one-line progress bar on stderr, drawn only when stderr is a terminal."""

    WIDTH = 24

    def __init__(self, label: str) -> None:
        self.label = label
        self.live = sys.stderr.isatty()
        self.started = time.monotonic()

    def step(self, index: int, total: int, what: str) -> None:
        if not self.live:
            return
        filled = round(self.WIDTH * index / max(total, 1))
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        sys.stderr.write(f"\r{self.label} [{bar}] {index}/{total} {what[:30]:<30}")
        sys.stderr.flush()

    def done_file(self, path: Path, size: int) -> None:
        if self.live:
            sys.stderr.write("\r\x1b[K")
        sys.stderr.write(f"wrote {path} ({size / 1024:.1f} KB)\n")

    def finish(self, total: int) -> None:
        if self.live:
            bar = "#" * self.WIDTH
            elapsed = time.monotonic() - self.started
            sys.stderr.write(f"\r{self.label} [{bar}] {total}/{total} in {elapsed:.1f} s\n")
