"""Shared by the intake benchmark and the crash test: a real `enlist serve`, and its clients.

``Site`` is one throw-away installation (a data directory, and on PostgreSQL a database of
its own on the server named by ``--postgres``), migrated and holding one mission.
``Server`` runs `enlist serve` there in its own process group, so that ``kill()`` is a real
``kill -9`` of the master and every worker at once. ``submit`` is one public
``POST /api/v1/applications`` with an ``Idempotency-Key``, over a plain ``http.client``
connection, as an independent client would send it.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg

ENLIST = Path(sys.executable).with_name("enlist")
MISSION = (
    "from enlist.missions.models import Mission; Mission.objects.get_or_create(code='lt-vilnius', "
    "defaults=dict(name='Embassy of Ukraine in Lithuania', country_id='LT', city='Vilnius', "
    "timezone='Europe/Vilnius'))"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def payload(n: int, run: str) -> bytes:
    """Submission number `n` of a run: every one a distinct person."""
    return json.dumps(
        {
            "given_name": "Oleksandr",
            "family_name": f"Loadtest{run}{n}",
            "given_name_native": "Олександр",
            "family_name_native": "Коваленко",
            "date_of_birth": f"19{70 + n % 30}-0{1 + n % 9}-1{n % 10}",
            "nationality": "CA",
            "residence_country": "CA",
            "email": f"load.{run}.{n}@example.org",
            "phone": f"+1 416 555 {n % 10000:04d}",
            "passport_number": f"LT{n:07d}",
            "mission": "lt-vilnius",
            "languages": ["en", "uk"],
            "military_experience": {
                "years": 1 + n % 20,
                "branch": "army",
                "combat_deployments": n % 3,
                "specialties": ["infantry"],
            },
            "consent": True,
            "legal_advisory_acknowledged": True,
        }  # fmt: skip
    ).encode()


def submit(
    connection: http.client.HTTPConnection, body: bytes, key: str
) -> tuple[int, dict | None]:
    connection.request(
        "POST",
        "/api/v1/applications",
        body=body,
        headers={"Content-Type": "application/json", "Idempotency-Key": key},
    )
    response = connection.getresponse()
    data = response.read()
    try:
        return response.status, json.loads(data) if data else None
    except ValueError:
        return response.status, None


def _key() -> str:
    return "1:" + base64.b64encode(secrets.token_bytes(32)).decode()


class Site:
    """A fresh installation: data dir (+ PostgreSQL database), production settings, keys apart."""

    def __init__(self, engine: str, postgres: str, *, production: bool = True) -> None:
        self.engine = engine
        self.root = Path(tempfile.mkdtemp(prefix=f"enlist-{engine}-"))
        self.data_dir = self.root / "data"
        self.data_dir.mkdir()
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("ENLIST_", "PG", "DJANGO_")) and k != "DATABASE_URL"
        }
        env.update(ENLIST_DATA_DIR=str(self.data_dir), PYTHONUNBUFFERED="1")
        if production:
            keys = self.root / "keys"  # "another mount": never inside the data directory
            keys.mkdir(mode=0o700)
            for name in ("FIELD", "INDEX", "AUDIT_SIGNING"):
                (keys / name).write_text(_key())
                env[f"ENLIST_{name}_KEY_FILE"] = str(keys / name)
            env.update(
                ENLIST_ENV="production",
                ENLIST_SECRET_KEY=secrets.token_urlsafe(40),
                ENLIST_ALLOWED_HOSTS="127.0.0.1,localhost",
                ENLIST_SSL_REDIRECT="0",
                # Production sends mail by SMTP only; intake sends none, so no server answers.
                ENLIST_SMTP_HOST="smtp.invalid",
            )
        else:
            env["ENLIST_ENV"] = "development"
        self.database = None
        if engine == "postgresql":
            self.server = postgres.rstrip("/")
            prefix = os.environ.get("ENLIST_BENCH_DATABASE_PREFIX", "enlist_bench")
            self.database = f"{prefix}_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(f"{self.server}/postgres", autocommit=True) as admin:
                admin.execute(f'CREATE DATABASE "{self.database}"')
            env["DATABASE_URL"] = f"{self.server}/{self.database}"
        self.env = env
        self.enlist("migrate", "--verbosity", "0")
        self.enlist("shell", "--verbosity", "0", "-c", MISSION)

    def enlist(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(  # noqa: S603
            [str(ENLIST), *args], env=self.env, cwd=self.data_dir, capture_output=True,
            text=True, check=False,
        )  # fmt: skip
        if check and result.returncode != 0:
            raise RuntimeError(f"enlist {' '.join(args)} failed:\n{result.stderr[-2000:]}")
        return result

    def worker_process(self) -> WorkerProcess:
        return WorkerProcess(self)

    def worker(self) -> subprocess.Popen:
        """`enlist worker` on this installation, in the background (stop it with terminate)."""
        log = open(self.root / "worker.log", "ab")  # noqa: SIM115  (the child keeps it open)
        return subprocess.Popen(  # noqa: S603
            [str(ENLIST), "worker", "--no-schedule"], env=self.env, cwd=self.data_dir,
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip

    def drop(self) -> None:
        if self.database:
            with psycopg.connect(f"{self.server}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')


class Server:
    """`enlist serve` on a fixed port, startable again after a kill."""

    def __init__(
        self,
        site: Site,
        *,
        workers: int | None = None,
        log: Path | None = None,
        prelude: str = "",
    ) -> None:
        """`prelude`: Python run in the server's master before it loads Enlist (benchmarks
        use it to switch one step off, to measure what that step costs)."""
        self.site, self.port = site, free_port()
        self.workers = workers
        self.prelude = prelude
        self.log = log or site.root / "serve.log"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 120.0) -> None:
        args = [str(ENLIST), "serve", "--port", str(self.port)]
        if self.prelude:
            main = "import sys; from enlist.cli import main; main(sys.argv[1:])"
            args = [sys.executable, "-c", f"{self.prelude}\n{main}", *args[1:]]
        if self.workers:
            args += ["--workers", str(self.workers)]
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(  # noqa: S603
                args, env=self.site.env, cwd=self.site.data_dir, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"enlist serve exited:\n{self.log.read_text()[-2000:]}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/readyz")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("enlist serve did not become ready")

    def kill(self) -> None:
        """kill -9 of the master and every worker (the whole process group)."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.kill()


class WorkerProcess:
    """`enlist worker` in its own process group, startable again after a kill (crash test)."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.log = site.root / "worker.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(  # noqa: S603
                [str(ENLIST), "worker", "--no-schedule"], env=self.site.env,
                cwd=self.site.data_dir, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.kill()
