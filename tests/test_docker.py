"""docker/: the image, the compose stack and the entrypoint.

There is no Docker daemon in CI, so the files are read and every command they
give is checked against the project: the entry points exist and are what the
command expects, the probes work against a real gunicorn, worker and beat, and
the entrypoint does what each role needs."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

from tests.processes import REPO, free_port, run, start, stop

DOCKER = REPO / "docker"
APP_DIR = "/app"  # the Dockerfile's WORKDIR, into which it copies the repository
OUR_SERVICES = ("web", "worker", "beat")


def compose() -> dict:
    return yaml.safe_load((DOCKER / "compose.yaml").read_text())


def service(name: str) -> dict:
    return compose()["services"][name]


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = (DOCKER / "Dockerfile").read_text().replace("\\\n", " ")
    instructions = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
    return instructions


def dockerfile(keyword: str) -> list[str]:
    return [rest for kw, rest in dockerfile_instructions() if kw == keyword]


def repo_path(container_path: str) -> Path:
    assert container_path.startswith(APP_DIR + "/"), container_path
    return REPO / container_path.removeprefix(APP_DIR + "/")


def health_command(name: str) -> str:
    """A compose healthcheck as the shell in the container runs it ($$ is compose's $)."""
    kind, *rest = service(name)["healthcheck"]["test"]
    if kind == "CMD-SHELL":
        return rest[0].replace("$$", "$")
    assert kind == "CMD", kind
    return shlex.join(rest)


def settings_env_names() -> set[str]:
    source = (REPO / "config" / "settings.py").read_text()
    return set(re.findall(r"\benv\.\w+\(\s*\"([A-Z][A-Z0-9_]*)\"", source))


# --- the stack ---------------------------------------------------------------


def services_in(profile: str | None) -> dict[str, dict]:
    """The services `docker compose` starts with this profile (None: no profile)."""
    return {
        name: definition
        for name, definition in compose()["services"].items()
        if not definition.get("profiles") or profile in definition["profiles"]
    }


def test_compose_has_the_five_services():
    assert set(services_in(None)) == {"web", "worker", "beat", "redis", "postgres"}
    assert service("redis")["image"].startswith("redis:7-alpine")
    assert service("postgres")["image"].startswith("postgres:15-alpine")


def test_every_service_has_a_health_check():
    for name, definition in compose()["services"].items():
        check = definition.get("healthcheck", {})
        assert not check.get("disable"), name
        assert check.get("test"), f"{name} has no health check"
    assert dockerfile("HEALTHCHECK"), "the image has no HEALTHCHECK"


def test_our_services_start_only_once_database_and_redis_are_healthy():
    for name in OUR_SERVICES:
        depends = service(name)["depends_on"]
        for dependency in ("postgres", "redis"):
            assert depends[dependency]["condition"] == "service_healthy", (name, dependency)


def test_worker_and_beat_wait_for_the_web_role_that_migrates():
    for name in ("worker", "beat"):
        assert service(name)["depends_on"]["web"]["condition"] == "service_healthy"


def test_media_private_uploads_and_service_data_live_in_named_volumes():
    declared = set(compose()["volumes"])

    def mounts(name: str) -> dict[str, str]:
        pairs = (volume.split(":")[:2] for volume in service(name).get("volumes", []))
        return {target: source for source, target in pairs}

    web = mounts("web")
    assert web["/app/var/media"] in declared
    assert web["/app/var/private"] in declared
    assert mounts("postgres")["/var/lib/postgresql/data"] in declared
    assert mounts("redis")["/data"] in declared
    # Where the settings put media is where the volumes are mounted.
    environment = service("web")["environment"]
    assert environment["MEDIA_ROOT"] in web
    assert environment["PRIVATE_MEDIA_ROOT"] in web


def test_beat_keeps_its_schedule_in_a_volume():
    command = service("beat")["command"]
    schedule = command[command.index("--schedule") + 1]
    targets = [volume.split(":")[1] for volume in service("beat")["volumes"]]
    assert any(schedule.startswith(target.rstrip("/") + "/") for target in targets), (schedule, targets)


def test_our_services_get_the_essential_configuration():
    for name in OUR_SERVICES:
        environment = service(name)["environment"]
        for required in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ALLOWED_HOSTS", "SITE_BASE_URL"):
            assert required in environment, (name, required)
        assert environment["DATABASE_URL"].startswith("postgres://")
        assert "@postgres:" in environment["DATABASE_URL"]
        assert environment["REDIS_URL"].startswith("redis://redis:")


def test_every_variable_compose_sets_is_read_by_someone():
    # A misspelt name is silently ignored by the settings; catch it here.
    import gunicorn.config

    readers = settings_env_names()
    readers |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", (DOCKER / "entrypoint.sh").read_text()))
    readers |= set(
        re.findall(r"environ\.get\(\"([A-Z][A-Z0-9_]*)\"", (DOCKER / "healthcheck.py").read_text())
    )
    gunicorn_source = Path(gunicorn.config.__file__).read_text()
    readers |= {name for name in ("WEB_CONCURRENCY", "FORWARDED_ALLOW_IPS") if name in gunicorn_source}

    for name in OUR_SERVICES:
        unknown = set(service(name)["environment"]) - readers
        assert not unknown, f"{name} sets variables nothing reads: {sorted(unknown)}"


def test_settings_env_names_are_found():
    # The check above is only as good as this parse.
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "EMAIL_URL", "MEDIA_ROOT"} <= settings_env_names()


# --- the commands name real entry points -----------------------------------


def wsgi_target(command: list[str]) -> str:
    assert command[0] == "gunicorn", command
    targets = [arg for arg in command[1:] if re.fullmatch(r"[A-Za-z_][\w.]*:[A-Za-z_]\w*", arg)]
    assert len(targets) == 1, command
    return targets[0]


# transaction=True: the handler closes a connection left inside a transaction
# at request start, as it should, so the test must not hold one open.
@pytest.mark.django_db(transaction=True)
def test_the_web_command_serves_our_wsgi_application():
    from wsgiref.util import setup_testing_defaults

    compose_command = service("web")["command"]
    image_command = json.loads(dockerfile("CMD")[-1])
    assert wsgi_target(compose_command) == wsgi_target(image_command) == "config.wsgi:application"

    module_name, attr = wsgi_target(compose_command).split(":")
    module = __import__(module_name, fromlist=[attr])
    application = getattr(module, attr)

    environ = {"PATH_INFO": "/healthz/", "REQUEST_METHOD": "GET"}
    setup_testing_defaults(environ)
    statuses = []
    body = b"".join(application(environ, lambda status, headers, exc_info=None: statuses.append(status)))
    assert statuses == ["200 OK"], body
    assert json.loads(body)["status"] == "ok"


def celery_parts(command: list[str]) -> tuple[str, str, list[str]]:
    assert command[0] == "celery", command
    assert command[1] in ("-A", "--app"), command
    return command[2], command[3], command[4:]


def check_celery_command(command: list[str]) -> None:
    from celery import Celery
    from celery.app.utils import find_app
    from celery.bin.celery import celery as celery_cli

    import config.celery

    app_name, subcommand, options = celery_parts(command)
    # Resolved exactly as `celery -A` resolves it.
    app = find_app(app_name)
    assert isinstance(app, Celery)
    assert app is config.celery.app

    assert subcommand in celery_cli.commands, f"celery has no subcommand {subcommand!r}"
    known = {
        opt for param in celery_cli.commands[subcommand].params for opt in param.opts + param.secondary_opts
    }
    for option in options:
        if option.startswith("-"):
            assert option.split("=")[0] in known, f"celery {subcommand} has no option {option}"


@pytest.mark.parametrize("name", ["worker", "beat"])
def test_the_celery_commands_name_our_app_and_real_subcommands(name):
    command = service(name)["command"]
    assert celery_parts(command)[1] == name
    check_celery_command(command)


@pytest.mark.parametrize("name", ["worker", "beat"])
def test_the_celery_health_checks_are_real_commands(name):
    command = shlex.split(health_command(name))
    check_celery_command(command)
    assert command[3:5] == ["inspect", "ping"]


# --- the image ---------------------------------------------------------------


def test_the_image_is_a_pinned_slim_python_3_11():
    base = dockerfile("FROM")[0].split()[0]
    assert re.fullmatch(r"python:3\.11\.\d+-slim(-\w+)?", base), base


def test_the_image_installs_exactly_the_locked_hashed_requirements():
    installs = [shlex.split(run) for run in dockerfile("RUN") if run.startswith("pip install")]
    assert len(installs) == 1, installs
    [install] = installs
    assert "--require-hashes" in install, install
    assert install[install.index("-r") + 1] == "requirements.txt", install
    assert any(copy.split()[0] == "requirements.txt" for copy in dockerfile("COPY"))


def test_the_image_does_not_run_as_root():
    users = dockerfile("USER")
    assert users, "no USER: the container would run as root"
    assert users[-1].split(":")[0] not in ("root", "0")


def test_the_image_healthcheck_and_entrypoint_are_files_of_the_repository():
    healthcheck = dockerfile("HEALTHCHECK")[-1]
    script = re.search(r"/app/\S+\.py", healthcheck).group(0)
    assert repo_path(script).is_file()

    entrypoint = json.loads(dockerfile("ENTRYPOINT")[-1])[0]
    assert repo_path(entrypoint) == DOCKER / "entrypoint.sh"


def test_the_entrypoint_is_executable_in_git():
    # The mode in git is what a clone and the image get, not the local file's.
    listing = subprocess.run(
        ["git", "ls-files", "-s", "docker/entrypoint.sh"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert listing.split()[0] == "100755", listing or "docker/entrypoint.sh is not in git"


def test_the_build_context_leaves_out_secrets_and_local_state():
    ignored = {line.strip() for line in (REPO / ".dockerignore").read_text().splitlines()}
    assert {".env", ".git", ".venv", "var"} <= ignored


# --- the entrypoint, run -------------------------------------------------------


def tables(database: Path) -> set[str]:
    if not database.exists():
        return set()
    with sqlite3.connect(database) as connection:
        return {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def entrypoint(tmp_path: Path, *command: str, **env: str) -> subprocess.CompletedProcess:
    env = {
        "SECRET_KEY": "x" * 60,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "static"),
        **env,
    }
    return run([str(DOCKER / "entrypoint.sh"), *command], timeout=300, **env)


def test_the_entrypoint_runs_the_command_without_migrating_for_a_worker(tmp_path):
    result = entrypoint(tmp_path, "python", "-c", "print('worker started')", CASEBOOK_ROLE="worker")
    assert result.returncode == 0, result.stderr
    assert "worker started" in result.stdout
    assert "django_migrations" not in tables(tmp_path / "db.sqlite3")
    assert not (tmp_path / "static").exists()


def test_the_entrypoint_migrates_and_collects_static_for_the_web_role(tmp_path):
    result = entrypoint(tmp_path, "python", "-c", "print('web started')", CASEBOOK_ROLE="web")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "web started" in result.stdout
    assert {"django_migrations", "wagtailcore_page"} <= tables(tmp_path / "db.sqlite3")
    assert (tmp_path / "static" / "css" / "casebook.css").is_file()
    assert (tmp_path / "static" / "staticfiles.json").is_file()  # the production manifest


def test_the_entrypoint_gives_up_when_the_database_never_answers(tmp_path):
    started = time.monotonic()
    result = entrypoint(
        tmp_path,
        "python",
        "-c",
        "print('must not start')",
        DATABASE_URL="postgres://casebook:pw@127.0.0.1:1/casebook",
        DATABASE_WAIT_SECONDS="2",
        CASEBOOK_ROLE="web",
    )
    assert result.returncode != 0
    assert "database did not answer" in result.stderr
    assert "must not start" not in result.stdout
    assert time.monotonic() - started < 30


# --- the probes, against real processes -----------------------------------------


def production_env(tmp_path: Path) -> dict[str, str]:
    return {
        "DEBUG": "false",
        "SECRET_KEY": "casebook-docker-test-" + "k" * 50,
        "ALLOWED_HOSTS": "casebook.example",
        "SITE_BASE_URL": "https://casebook.example",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }


def wait_for(check, seconds: float, what: str, process: subprocess.Popen):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{what}: the process exited early:\n{stop(process)}")
        result = check()
        if result:
            return result
        time.sleep(0.5)
    pytest.fail(f"{what} did not happen within {seconds} s:\n{stop(process)}")


def test_the_web_health_probe_passes_against_gunicorn_with_production_settings(tmp_path):
    port = free_port()
    command = list(service("web")["command"])
    command[command.index("--bind") + 1] = f"127.0.0.1:{port}"
    env = production_env(tmp_path)
    server = start(command, **env)
    try:

        def probe() -> subprocess.CompletedProcess | None:
            result = run(shlex.split(health_command("web").replace(APP_DIR + "/", "")), PORT=str(port), **env)
            return result if result.returncode == 0 else None

        result = wait_for(probe, 60, "the web health check passing", server)
        assert '"status": "ok"' in result.stdout

        # Why the probe names an allowed host and the forwarded scheme: a
        # bare request from inside the container is refused or redirected.
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/", timeout=5)  # noqa: S310
        assert refused.value.code in (301, 400)
    finally:
        stop(server)

    after = run(shlex.split(health_command("web").replace(APP_DIR + "/", "")), PORT=str(port), **env)
    assert after.returncode != 0, "the probe passed with the server stopped"


@pytest.mark.redis
@pytest.mark.worker
def test_the_worker_health_check_answers_for_a_running_worker(tmp_path, redis_url):
    import socket

    env = {**production_env(tmp_path), "REDIS_URL": redis_url, "HOSTNAME": socket.gethostname()}
    # Its own queue, so that this worker takes no task meant for another test.
    worker = start([*service("worker")["command"], "-Q", f"casebook-healthcheck-{time.time_ns()}"], **env)
    try:
        wait_for(
            lambda: run(["sh", "-c", health_command("worker")], **env).returncode == 0,
            60,
            "the worker answering its health check",
            worker,
        )
    finally:
        stop(worker)


@pytest.mark.redis
@pytest.mark.worker
def test_the_beat_health_check_answers_only_while_beat_runs(tmp_path, redis_url):
    import socket

    env = {**production_env(tmp_path), "REDIS_URL": redis_url, "HOSTNAME": socket.gethostname()}
    check = ["sh", "-c", health_command("beat")]
    assert run(check, **env).returncode != 0, "the beat probe passed with no beat running"

    command = list(service("beat")["command"])
    command[command.index("--schedule") + 1] = str(tmp_path / "celerybeat-schedule")
    beat = start(command, **env)
    try:
        wait_for(lambda: run(check, **env).returncode == 0, 60, "beat answering its health check", beat)
    finally:
        stop(beat)


# --- profile "scaled": Varnish, two replicas, a worker per queue ----------------

PROFILES = (None, "scaled")
SCALED_ENV = DOCKER / "scaled.env"


def scaled_env() -> dict[str, str]:
    pairs = (line.split("=", 1) for line in SCALED_ENV.read_text().splitlines() if line and line[0] != "#")
    return {key: value for key, value in pairs}


def interpolated(value: str, env: dict[str, str]) -> str:
    """Compose's ${NAME:-default} as `docker compose config` resolves it."""
    return re.sub(
        r"\$\{([A-Z_]+)(?::-([^}]*))?\}", lambda m: env.get(m.group(1)) or (m.group(2) or ""), value
    )


@pytest.mark.parametrize("profile", PROFILES)
def test_every_profile_is_a_complete_compose_file(profile):
    """What `docker compose config` rejects: a dependency, network or volume
    that does not exist in that profile. With the Docker CLI, it is asked too."""
    active = services_in(profile)
    declared_networks = set(compose().get("networks", {})) | {"default"}
    declared_volumes = set(compose()["volumes"])
    for name, definition in active.items():
        for dependency in definition.get("depends_on", {}):
            assert dependency in active, f"{name} depends on {dependency}, not started with profile {profile}"
        for network in definition.get("networks", []):
            assert network in declared_networks, (name, network)
        for volume in definition.get("volumes", []):
            source = volume.split(":")[0]
            assert source.startswith(".") or source in declared_volumes, (name, volume)
            if source.startswith("."):
                assert (DOCKER / source).exists(), (name, volume)
    docker = shutil.which("docker")
    if docker and run([docker, "compose", "version"]).returncode == 0:
        args = [docker, "compose", "-f", str(DOCKER / "compose.yaml")]
        if profile:
            args += ["--env-file", str(SCALED_ENV)]
        result = run([*args, "config", "-q"], SECRET_KEY="x" * 50)
        assert result.returncode == 0, result.stderr


def test_the_scaled_env_file_switches_on_the_profile_and_sets_only_what_compose_reads():
    env = scaled_env()
    assert env["COMPOSE_PROFILES"] == "scaled"
    text = (DOCKER / "compose.yaml").read_text()
    for name in set(env) - {"COMPOSE_PROFILES"}:
        assert "${" + name in text, f"scaled.env sets {name}, which compose.yaml never reads"


def test_varnish_stands_in_front_of_two_replicas_and_only_their_network_may_purge():
    services = services_in("scaled")
    vcl = (DOCKER / "varnish" / "backends.vcl").read_text()
    backends = dict(re.findall(r'\.host = "([^"]+)";\s*\.port = "(\d+)"', vcl))
    assert set(backends) == {"web", "web-b"}
    for name, port in backends.items():
        assert f"0.0.0.0:{port}" in services[name]["command"], name
        assert "backend" in services[name]["networks"]
    assert set(services["varnish"]["depends_on"]) == {"web", "web-b"}
    # The purge ACL is the backend network, less its gateway.
    subnet = compose()["networks"]["backend"]["ipam"]["config"][0]
    network, bits = subnet["subnet"].split("/")
    assert f'"{network}"/{bits};' in vcl
    assert f'! "{subnet["gateway"]}";' in vcl
    # The replicas purge this Varnish.
    assert scaled_env()["FRONTEND_CACHE_VARNISH_URLS"] == "http://varnish:80"
    assert services["varnish"]["command"][services["varnish"]["command"].index("-a") + 1] == ":80"


def test_the_second_replica_runs_the_same_code_without_migrating():
    web, replica = service("web"), service("web-b")
    assert wsgi_target(replica["command"]) == wsgi_target(web["command"])
    assert replica["environment"]["CASEBOOK_ROLE"] != "web"  # only the first one migrates
    assert replica["volumes"] == web["volumes"]  # the same media, not a disk of its own


def test_each_queue_has_exactly_one_worker_in_the_scaled_profile():
    from config.celery import QUEUES

    env = scaled_env()
    taken: list[str] = []
    for definition in services_in("scaled").values():
        command = definition.get("command") or []
        if command[:4] == ["celery", "-A", "config", "worker"]:
            check_celery_command(command)
            taken += interpolated(command[command.index("-Q") + 1], env).split(",")
    assert sorted(taken) == sorted(QUEUES)
    # One server: the one worker takes every queue.
    worker = service("worker")["command"]
    assert sorted(interpolated(worker[worker.index("-Q") + 1], {}).split(",")) == sorted(QUEUES)


@pytest.mark.parametrize("name", ["worker-mail", "worker-images", "worker-periodic"])
def test_the_queue_workers_health_checks_ping_their_own_node_name(name):
    command = service(name)["command"]
    node = command[command.index("-n") + 1].replace("%h", "$HOSTNAME")
    check = shlex.split(health_command(name))
    check_celery_command(check)
    assert check[check.index("-d") + 1] == node
