"""Services the fault tests own, so that they may stop, hang and restart them.

A fault test starts its own redis-server and, when it needs one, its own
PostgreSQL cluster, each on a free port in a temporary folder, and stops only
those: the machine's shared PostgreSQL and Redis stay up for everyone else.
The project runs as in production, in processes of its own (gunicorn, a
prefork Celery worker, config.settings from the environment), against the test
database or the test's own cluster. Every process and folder is removed
afterwards, also when the test fails; what the processes printed is shown
with the failure.

Fixtures (imported by tests/integration/conftest.py):
    own_redis       a running redis-server:  .stop() .start() .pause() .resume() .url(db)
    own_postgres    a running PostgreSQL cluster:  .copy_database(name) .restart()
    mail_log        what the processes sent:  .delivered() .hold() .release()
    launch          starts processes:  .web(**env) -> Web   .worker(redis, **env) -> Worker
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from tests.processes import REPO, VENV_BIN, clean_env, free_port
from tests.services import unavailable
from tests.worker import test_database_url


def wait_until(condition: Callable, timeout: float, what: str, *, diagnostics: Callable[[], str] = str):
    """Poll `condition` until it returns something true, and return that; fail
    the test with `what` and the diagnostics after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not within {timeout} s\n{diagnostics()}", pytrace=False)
        time.sleep(0.05)


# --- processes -------------------------------------------------------------


class Process:
    """A child process in its own process group, its output in a log file."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], folder: Path):
        self.name = name
        self.log_path = folder / f"{name}.log"
        with self.log_path.open("ab") as log:
            self.popen = subprocess.Popen(
                args, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    @property
    def pid(self) -> int:
        return self.popen.pid

    def running(self) -> bool:
        return self.popen.poll() is None

    def output(self, tail: int = 8000) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""
        return f"--- {self.name} (pid {self.pid}) ---\n{text[-tail:]}"

    def signal_group(self, signum: int) -> None:
        # Only while the leader is not reaped: its pid (the group's id) cannot
        # have been given to another process.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, signum)

    def stop(self, signum: int = signal.SIGTERM, timeout: float = 10) -> None:
        """`signum` to the whole group, SIGKILL to whatever is left after `timeout`."""
        if self.popen.returncode is None:
            self.signal_group(signal.SIGCONT)  # a paused process cannot act on a signal
            self.signal_group(signum)
            deadline = time.monotonic() + timeout
            while not _exited(self.popen.pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            self.signal_group(signal.SIGKILL)  # children that outlived their parent, too
        self.popen.wait(timeout=10)


def _exited(pid: int) -> bool:
    """Whether the child exited, without reaping it (WNOWAIT keeps its pid reserved)."""
    try:
        return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
    except ChildProcessError:
        return True


def child_pids(pid: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                stat = (entry / "stat").read_text()
                # The command name is in parentheses and may contain spaces.
                if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                    children.append(int(entry.name))
    return children


# --- Redis -------------------------------------------------------------------


class OwnRedis:
    """A redis-server of the test's own, without persistence."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.process: Process | None = None
        self.starts = 0

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def client(self, db: int = 0):
        import redis

        return redis.Redis(
            host="127.0.0.1", port=self.port, db=db, socket_timeout=2, socket_connect_timeout=2
        )

    def answers(self) -> bool:
        try:
            client = self.client()
            try:
                return bool(client.ping())
            finally:
                client.close()
        except Exception:  # noqa: BLE001 - any failure means "not answering"
            return False

    def start(self) -> None:
        self.starts += 1
        self.process = Process(
            f"redis-{self.starts}",
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            {"PATH": os.environ.get("PATH", "")},
            self.folder,
        )
        wait_until(self.answers, 10, "redis-server answering", diagnostics=self.process.output)

    def stop(self) -> None:
        """Shut it down: connections are refused until start()."""
        if self.process:
            self.process.stop()
            self.process = None

    def pause(self) -> None:
        """Hang it (SIGSTOP): connections are accepted, nothing is answered."""
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)


# --- PostgreSQL ----------------------------------------------------------------


def postgres_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class OwnPostgres:
    """A PostgreSQL cluster of the test's own, in a temporary folder.

    PostgreSQL refuses to run as root: when the tests run as root, the cluster
    belongs to the `postgres` OS user and its commands run through runuser."""

    def __init__(self, bindir: Path):
        self.bin = bindir
        self.folder = Path(tempfile.mkdtemp(prefix="casebook-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.as_owner: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
            self.as_owner = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [*self.as_owner, str(self.bin / args[0]), *args[1:]],
            cwd=self.folder,
            capture_output=True,
            text=True,
            timeout=60,
        )
        if check and result.returncode != 0:
            pytest.fail(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}\n{self.output()}")
        return result

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "--auth=trust", "-U", "postgres", "-E", "UTF8", "--no-sync")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            "pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"), "-w", "start"
        )

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def restart(self) -> None:
        """Stop (closing every connection, as a restart in production does) and start again."""
        self.stop()
        self.start()

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def copy_database(self, source_url: str, name: str) -> str:
        """A copy of the database at `source_url` (schema and data); returns its URL.

        Far faster than migrating a new database."""
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)
        dump = _client(self.bin / "pg_dump", "--no-owner", "--no-privileges", f"--dbname={source_url}")
        _client(
            self.bin / "psql", "--quiet", "-v", "ON_ERROR_STOP=1", f"--dbname={self.url(name)}", input=dump
        )
        return self.url(name)

    def output(self) -> str:
        log = self.folder / "log"
        return f"--- postgres ---\n{log.read_text(errors='replace')[-4000:]}" if log.exists() else ""

    def remove(self) -> None:
        try:
            if self.running():
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def _client(program: Path, *args: str, input: bytes | None = None) -> bytes:
    result = subprocess.run([str(program), *args], input=input, capture_output=True, timeout=120)
    if result.returncode != 0:
        pytest.fail(f"{program.name} failed:\n{result.stderr.decode(errors='replace')}", pytrace=False)
    return result.stdout


# --- what the processes send ---------------------------------------------------


class MailLog:
    """The log of tests.recording_mail.EmailBackend, and its hold switch."""

    def __init__(self, folder: Path):
        self.path = folder / "mail.jsonl"
        self.hold_path = folder / "mail.hold"

    def env(self) -> dict[str, str]:
        return {
            "EMAIL_BACKEND": "tests.recording_mail.EmailBackend",
            "CASEBOOK_MAIL_LOG": str(self.path),
            "CASEBOOK_MAIL_HOLD": str(self.hold_path),
        }

    def records(self, event: str | None = None) -> list[dict]:
        if not self.path.exists():
            return []
        records = [json.loads(line) for line in self.path.read_text().splitlines() if line.strip()]
        return [r for r in records if event is None or r["event"] == event]

    def delivered(self) -> list[dict]:
        return self.records("delivered")

    def deliveries(self) -> Counter:
        """How often each message (by Message-ID) was delivered."""
        return Counter(r["message_id"] for r in self.delivered())

    def hold(self) -> None:
        """Sends wait after "sending" until release()."""
        self.hold_path.touch()

    def release(self) -> None:
        self.hold_path.unlink(missing_ok=True)

    def __str__(self) -> str:
        return "--- mail log ---\n" + "\n".join(json.dumps(r) for r in self.records())


# --- the project's processes ---------------------------------------------------


class Web:
    """gunicorn serving config.wsgi, as the web container runs it."""

    def __init__(self, folder: Path, env: dict[str, str], *, workers: int = 1, threads: int = 4):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = Process(
            f"web-{self.port}",
            [
                str(VENV_BIN / "gunicorn"),
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                "--timeout",
                "60",
                "--graceful-timeout",
                "2",
                "--error-logfile",
                "-",
                "--access-logfile",
                "-",
                # Not the shared default path under ~/.gunicorn: other test runs use it too.
                "--no-control-socket",
            ],
            env,
            folder,
        )

    def ready(self) -> Web:
        wait_until(self._listening, 60, "gunicorn answering", diagnostics=self.process.output)
        return self

    def _listening(self) -> bool:
        if not self.process.running():
            pytest.fail(f"gunicorn exited:\n{self.process.output()}", pytrace=False)
        try:
            # Any answer will do (the cache or database may be down on purpose);
            # until a worker has booted, the connection waits or is refused.
            requests.get(f"{self.url}/healthz/", timeout=5)
        except requests.RequestException:
            return False
        return True

    def get(self, path: str, **kwargs) -> requests.Response:
        return requests.get(f"{self.url}{path}", timeout=kwargs.pop("timeout", 15), **kwargs)

    def stop(self) -> None:
        self.process.stop(signal.SIGQUIT)  # gunicorn's quick shutdown


class Worker:
    """`celery -A config worker` with the prefork pool, as the worker container
    runs it (late acknowledgement, one prefetched task, config.settings)."""

    instances = 0

    def __init__(self, folder: Path, env: dict[str, str], broker_url: str, *, queue: str | None = None):
        from celery import Celery

        Worker.instances += 1
        self.name = f"{queue or 'faults'}{Worker.instances}-{os.getpid()}@casebook"
        # Without a queue it takes all of them, as on one server (config/celery.py).
        only_queue = ["-Q", queue] if queue else []
        self.process = Process(
            f"worker-{Worker.instances}",
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=prefork",
                "--concurrency=1",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "-n",
                self.name,
                *only_queue,
            ],
            env,
            folder,
        )
        # A client app of our own: publishes to and pings this worker's broker only.
        self.client = Celery("casebook-faults", broker=broker_url, set_as_current=False)
        self.client.conf.update(broker_connection_timeout=2, broker_transport_options={"socket_timeout": 2})
        # Tasks go to the queues the project routes them to (config/celery.py).
        from config.celery import app as project

        self.client.conf.update(
            task_default_queue=project.conf.task_default_queue,
            task_queues=project.conf.task_queues,
            task_routes=project.conf.task_routes,
        )

    def ready(self) -> Worker:
        wait_until(self._answers, 60, "the celery worker answering a ping", diagnostics=self.output)
        return self

    def _answers(self) -> bool:
        if not self.process.running():
            pytest.fail(f"the celery worker exited:\n{self.output()}", pytrace=False)
        return bool(self.client.control.ping(destination=[self.name], timeout=0.5))

    def output(self, tail: int = 8000) -> str:
        return self.process.output(tail)

    def pool_pids(self) -> list[int]:
        return child_pids(self.process.pid)

    def send(self, task: str, *args) -> str:
        """Queue `task` as the web process or beat would; returns the task id."""
        return self.client.send_task(task, args=list(args)).id

    def finished(self, task_id: str) -> bool:
        return bool(re.search(rf"\[{re.escape(task_id)}\] (succeeded|retry|raised)", self.output(tail=10**7)))

    def run(self, task: str, *args, timeout: float = 20) -> str:
        """Queue `task` and wait until this worker has run it; returns its log line.

        The worker takes one task at a time in queue order, so whatever was
        queued before has run too."""
        task_id = self.send(task, *args)
        wait_until(
            lambda: self.finished(task_id), timeout, f"the worker running {task}", diagnostics=self.output
        )
        return task_id

    def kill(self) -> None:
        """SIGKILL the worker and its pool, as the OOM killer or a lost node would."""
        self.process.signal_group(signal.SIGKILL)
        self.process.popen.wait(timeout=10)

    def stop(self) -> None:
        self.process.stop(signal.SIGQUIT)  # Celery's cold shutdown: nothing here needs to finish
        self.client.close()


class Launcher:
    """Starts the project's processes for one test and stops them all after it."""

    def __init__(self, folder: Path, mail_log: MailLog):
        self.folder = folder
        self.mail_log = mail_log
        self.started: list[Web | Worker] = []

    def env(self, **overrides: str) -> dict[str, str]:
        """Production settings (config.settings) from the environment, plain HTTP,
        the test database, email into the mail log; `overrides` win."""
        env = clean_env(
            SECRET_KEY="casebook-fault-tests-" + "k" * 40,
            DEBUG="false",
            SECURE_SSL_REDIRECT="false",
            SESSION_COOKIE_SECURE="false",
            CSRF_COOKIE_SECURE="false",
            STATIC_MANIFEST="false",
            PAGE_CACHE_SECONDS="0",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            DATABASE_URL=test_database_url(),
            MEDIA_ROOT=str(self.folder / "media"),
            PRIVATE_MEDIA_ROOT=str(self.folder / "private"),
            CACHE_KEY_PREFIX="casebook-faults",
            **self.mail_log.env(),
        )
        env.update(overrides)
        return env

    def web(self, *, threads: int = 4, **env: str) -> Web:
        web = Web(self.folder, self.env(**env), threads=threads)
        self.started.append(web)
        return web.ready()

    def worker(self, redis: OwnRedis, *, queue: str | None = None, **env: str) -> Worker:
        worker = Worker(self.folder, self.env(REDIS_URL=redis.url(), **env), redis.url(), queue=queue)
        self.started.append(worker)
        return worker.ready()

    def output(self) -> str:
        return "\n".join(p.process.output() for p in self.started)

    def stop_all(self) -> None:
        for process in reversed(self.started):
            with contextlib.suppress(Exception):
                process.stop()


class Contact:
    """A company contact's browser: keeps its cookies, sends the CSRF token."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.http = requests.Session()
        self.page_url = ""
        self.csrf = ""

    def open(self, token: str) -> requests.Response:
        """Follow the link from the invitation to the questionnaire."""
        response = self.http.get(f"{self.base_url}/interview/{token}/", timeout=15)
        assert response.status_code == 200, response.text[:2000]
        self.page_url = response.url
        self.csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text).group(1)
        return response

    def post(
        self, answers: dict[int, str], *, action: str = "save", timeout: float = 30
    ) -> requests.Response:
        data = {f"answer_{pk}": text for pk, text in answers.items()}
        return self.http.post(
            self.page_url,
            data={"csrfmiddlewaretoken": self.csrf, "action": action, **data},
            timeout=timeout,
        )

    def autosave(self, question_id: int, text: str, **extra: str) -> requests.Response:
        return self.http.post(
            f"{self.page_url}autosave/",
            data={"question": str(question_id), "text": text, **extra},
            headers={"X-CSRFToken": self.csrf, "X-Requested-With": "fetch"},
            timeout=30,
        )

    def same_browser(self) -> Contact:
        """Another connection with the same cookies (a requests.Session is not thread-safe)."""
        other = Contact(self.base_url)
        other.http.cookies.update(self.http.cookies)
        other.page_url, other.csrf = self.page_url, self.csrf
        return other


# --- fixtures ------------------------------------------------------------------


@pytest.fixture
def fault_folder() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="casebook-faults-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def own_redis(fault_folder) -> Iterator[OwnRedis]:
    if not shutil.which("redis-server"):
        unavailable("redis-server is not installed: the fault tests start their own")
    server = OwnRedis(fault_folder / "redis")
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def own_postgres() -> Iterator[OwnPostgres]:
    bindir = postgres_bin()
    if bindir is None:
        unavailable("PostgreSQL's initdb is not installed: this test starts its own cluster")
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            unavailable("running as root needs a `postgres` OS user to own the test's cluster")
    cluster = OwnPostgres(bindir)
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


@pytest.fixture
def mail_log(fault_folder) -> MailLog:
    return MailLog(fault_folder)


@pytest.fixture
def launch(fault_folder, mail_log) -> Iterator[Launcher]:
    launcher = Launcher(fault_folder, mail_log)
    try:
        yield launcher
    finally:
        # Shown with a failure (pytest prints captured output of failed tests only).
        print(launcher.output())
        print(mail_log)
        launcher.stop_all()
