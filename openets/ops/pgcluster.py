"""Throwaway local PostgreSQL clusters from the machine's server binaries.

Used by the tests (``tests/pg.py``), the benchmark runner (``benchmarks/run_all.py``) and the
failover drill (:mod:`openets.ops.failover`): ``initdb`` a cluster in a temporary directory,
start it listening only on a unix socket there, make streaming standbys of it
(``pg_basebackup``), kill it with SIGKILL, promote a standby.

Where the binaries come from: ``OPENETS_PG_BIN``, ``pg_config --bindir``, ``initdb`` on PATH or
``/usr/lib/postgresql/<newest>/bin``. ``initdb`` refuses to run as root, so as root every server
command runs as the ``postgres`` system user.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

FAST = {"fsync": "off", "full_page_writes": "off"}
"""Settings for tests: nothing survives a crash of the machine, everything is quick."""

DURABLE = {"fsync": "on", "full_page_writes": "on", "synchronous_commit": "on"}
"""The production defaults: a commit is on disk before it returns."""

REPLICATION = {
    "wal_level": "replica",
    "max_wal_senders": "10",
    "hot_standby": "on",
    "wal_keep_size": "256MB",
}
"""What a primary needs for streaming standbys (and a standby to answer reads)."""


def find_bindir() -> Path | None:
    """Where initdb and pg_ctl are; None if this machine has no PostgreSQL server binaries."""
    env = os.environ.get("OPENETS_PG_BIN")
    candidates = [Path(env)] if env else []
    pg_config = shutil.which("pg_config")
    if pg_config:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        candidates.append(Path(out.stdout.strip()))
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).parent)

    def version(p: str) -> int:
        with contextlib.suppress(ValueError):
            return int(Path(p).parent.name)
        return 0

    candidates += [
        Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version, reverse=True)
    ]
    for c in candidates:
        if (c / "initdb").is_file() and (c / "pg_ctl").is_file():
            return c
    return None


def require_bindir() -> Path:
    bindir = find_bindir()
    if bindir is None:
        raise RuntimeError(
            "no PostgreSQL server binaries (initdb, pg_ctl): install postgresql, "
            "or set OPENETS_PG_BIN"
        )
    return bindir


def as_postgres_user() -> dict[str, Any]:
    """subprocess arguments that run a command as the ``postgres`` user when we are root."""
    if os.geteuid() != 0:
        return {}
    try:
        pw = pwd.getpwnam("postgres")
    except KeyError as exc:
        raise RuntimeError("running as root and there is no 'postgres' user to run initdb") from exc
    return {"user": pw.pw_uid, "group": pw.pw_gid, "extra_groups": []}


_ENV = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C", "LANG": "C"}


class Cluster:
    """One local PostgreSQL cluster in its own directory, reached on a unix socket there.

    ``Cluster.create()`` runs initdb; ``Cluster.standby_of(primary, name)`` copies a running
    cluster with pg_basebackup into a streaming standby (``primary`` may itself be a standby:
    cascading replication). ``start``, ``stop``, ``kill`` (SIGKILL, like a lost machine),
    ``promote``; ``url(db)`` for SQLAlchemy/OpenETS; ``remove()`` stops it and deletes it all.
    """

    def __init__(self, bindir: Path, root: Path, name: str, settings: Mapping[str, str]) -> None:
        self.bindir = bindir
        self.root = root
        self.name = name
        self.data = root / "data"
        self.log = root / "server.log"
        self.settings = dict(settings)
        self._as_user = as_postgres_user()
        atexit.register(self.remove)  # also when the process ends before its owner cleans up

    # --- making ------------------------------------------------------------------------------
    @staticmethod
    def _new_root(name: str) -> Path:
        root = Path(tempfile.mkdtemp(prefix=f"openets-{name}-"))
        as_user = as_postgres_user()
        if as_user:
            os.chown(root, as_user["user"], as_user["group"])
        return root

    @classmethod
    def create(
        cls,
        *,
        name: str = "pg",
        settings: Mapping[str, str] | None = None,
        bindir: Path | None = None,
    ) -> Cluster:
        """initdb a new cluster (not started); ``settings`` are passed at every start."""
        bindir = bindir or require_bindir()
        c = cls(bindir, cls._new_root(name), name, settings if settings is not None else FAST)
        r = c._run(
            [
                bindir / "initdb",
                "-D",
                c.data,
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-sync",
            ]
        )
        if r.returncode != 0:
            c.remove()
            raise RuntimeError(f"initdb failed: {r.stderr.strip() or r.stdout.strip()}")
        return c

    @classmethod
    def standby_of(
        cls, upstream: Cluster, name: str, settings: Mapping[str, str] | None = None
    ) -> Cluster:
        """A streaming standby of the running ``upstream``, named ``name`` (its
        ``application_name``, as ``synchronous_standby_names`` lists it); not started."""
        c = cls(
            upstream.bindir,
            cls._new_root(name),
            name,
            settings if settings is not None else upstream.settings,
        )
        r = c._run(
            [
                upstream.bindir / "pg_basebackup",
                "-D",
                c.data,
                "-h",
                upstream.root,
                "-U",
                "postgres",
                "-X",
                "stream",
                "-R",
                "--no-sync",
                "-c",
                "fast",
            ]
        )
        if r.returncode != 0:
            c.remove()
            raise RuntimeError(f"pg_basebackup failed: {r.stderr.strip() or r.stdout.strip()}")
        c.follow(upstream)
        return c

    def follow(self, upstream: Cluster) -> None:
        """Stream from ``upstream`` (takes effect at the next start or reload)."""
        conninfo = f"host={upstream.root} user=postgres application_name={self.name}"
        with (self.data / "postgresql.auto.conf").open("a") as f:
            f.write(f"primary_conninfo = '{conninfo}'\n")
            f.write("recovery_target_timeline = 'latest'\n")

    # --- running -----------------------------------------------------------------------------
    def _run(self, cmd: list[Any], **kw: Any) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            cmd,
            cwd=self.root,
            env=_ENV,
            capture_output=True,
            text=True,
            check=False,
            **self._as_user,
            **kw,
        )

    def _ctl(self, *args: Any) -> subprocess.CompletedProcess[str]:
        return self._run([self.bindir / "pg_ctl", "-D", self.data, "-l", self.log, *args])

    def start(self, timeout: int = 60) -> Cluster:
        opts = {
            "listen_addresses": "''",
            "unix_socket_directories": f"'{self.root}'",
            "max_connections": "200",
            "shared_buffers": "64MB",
            **self.settings,
        }
        options = " ".join(f"-c {k}={v}" for k, v in opts.items())
        r = self._ctl("-w", "-t", str(timeout), "-o", options, "start")
        if r.returncode != 0:
            text = self.log.read_text(errors="replace") if self.log.exists() else r.stderr
            raise RuntimeError(f"pg_ctl start failed ({self.name}): {text.strip()[-2000:]}")
        return self

    def stop(self, mode: str = "fast") -> None:
        if self.data.exists():
            self._ctl("-w", "-m", mode, "stop")

    def pid(self) -> int | None:
        """The postmaster's process id, while it runs."""
        try:
            return int((self.data / "postmaster.pid").read_text().split("\n", 1)[0])
        except (OSError, ValueError):
            return None

    def kill(self) -> None:
        """SIGKILL the postmaster and every server process, as if the machine were lost."""
        pid = self.pid()
        if pid is None:
            return
        children = []
        for status in Path("/proc").glob("[0-9]*/status"):
            with contextlib.suppress(OSError, ValueError):
                for line in status.read_text().splitlines():
                    if line.startswith("PPid:") and int(line.split()[1]) == pid:
                        children.append(int(status.parent.name))
        for p in [pid, *children]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(p, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and Path(f"/proc/{pid}").exists():
            time.sleep(0.05)

    def promote(self, timeout: int = 60) -> None:
        """End recovery: the standby becomes a primary on a new timeline."""
        r = self._ctl("-w", "-t", str(timeout), "promote")
        if r.returncode != 0:
            raise RuntimeError(f"pg_ctl promote failed ({self.name}): {r.stderr.strip()}")

    def reload(self) -> None:
        self._ctl("reload")

    def remove(self) -> None:
        """Stop it (immediately) and delete its directory."""
        if self.root.exists():
            self.stop("immediate")
            shutil.rmtree(self.root, ignore_errors=True)

    # --- reaching it -------------------------------------------------------------------------
    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@/{database}?host={self.root}"

    def connect(self, database: str = "postgres") -> Any:
        """An autocommit psycopg connection."""
        import psycopg

        return psycopg.connect(
            host=str(self.root), user="postgres", dbname=database, autocommit=True
        )

    def execute(self, sql: str, database: str = "postgres") -> list[tuple[Any, ...]]:
        with self.connect(database) as conn:
            cur = conn.execute(sql)
            return list(cur.fetchall()) if cur.description else []

    def create_database(self, name: str) -> str:
        self.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def wait_streaming(self, standby: str, timeout: float = 30) -> None:
        """Until ``standby`` streams from this cluster."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            rows = self.execute(
                f"SELECT state FROM pg_stat_replication WHERE application_name = '{standby}'"
            )
            if rows and rows[0][0] == "streaming":
                return
            time.sleep(0.1)
        raise RuntimeError(f"{standby} does not stream from {self.name}")


__all__ = [
    "DURABLE",
    "FAST",
    "REPLICATION",
    "Cluster",
    "as_postgres_user",
    "find_bindir",
    "require_bindir",
]
