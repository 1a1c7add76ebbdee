"""Debian's varnishd with the project's VCL (docker/varnish/default.vcl) in
front of web processes on this machine, for the integration test and the
bench: the backends file is the compose one with the replicas' addresses
swapped for 127.0.0.1 ports, and the purge ACL for the given addresses."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import requests

VCL_DIR = Path(__file__).resolve().parent.parent / "docker" / "varnish"


def varnishd() -> str | None:
    return shutil.which("varnishd") or next(
        (str(p) for p in (Path("/usr/sbin/varnishd"),) if p.exists()), None
    )


def backends_vcl(ports: list[int], purgers: list[str]) -> str:
    """docker/varnish/backends.vcl, its two replicas moved to 127.0.0.1:<port>
    (a single port stands for both: one replica behind the same VCL)."""
    text = (VCL_DIR / "backends.vcl").read_text()
    hosts = re.findall(r'\.host = "([^"]+)";\s*\.port = "(\d+)";', text)
    ports = ports if len(ports) == len(hosts) else [ports[0]] * len(hosts)
    for (host, port), new_port in zip(hosts, ports, strict=True):
        text = text.replace(f'.host = "{host}";', '.host = "127.0.0.1";', 1)
        text = re.sub(rf'(\.host = "127\.0\.0\.1";\s*\.port = )"{port}";', rf'\1"{new_port}";', text, count=1)
    acl = "acl purgers {\n" + "".join(f'    "{address}";\n' for address in purgers) + "}\n"
    return re.sub(r"acl purgers \{.*?\}\n", acl, text, flags=re.S)


class Varnish:
    """One varnishd in the foreground, in a folder of its own; stop() removes it."""

    def __init__(self, port: int, backend_ports: list[int], purgers: list[str] = ("127.0.0.1",)):
        binary = varnishd()
        if binary is None:
            raise FileNotFoundError("varnishd is not installed (Debian package varnish)")
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.folder = Path(tempfile.mkdtemp(prefix="casebook-varnish-"))
        self.folder.chmod(0o755)  # varnishd drops to its own user for the child
        # Both files from this folder: the checkout may lie in a directory only
        # its owner can read (mktemp -d), and varnishd reads the VCL as its own user.
        (self.folder / "default.vcl").write_text((VCL_DIR / "default.vcl").read_text())
        (self.folder / "backends.vcl").write_text(backends_vcl(list(backend_ports), list(purgers)))
        self.log = self.folder / "varnishd.log"
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    binary,
                    "-F",
                    "-n",
                    str(self.folder / "work"),
                    "-a",
                    f"127.0.0.1:{port}",
                    "-f",
                    str(self.folder / "default.vcl"),
                    "-p",
                    f"vcl_path={self.folder}",
                    "-s",
                    "malloc,64m",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def output(self) -> str:
        return f"--- varnishd ---\n{self.log.read_text(errors='replace')[-6000:]}"

    def ready(self, timeout: float = 30) -> Varnish:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                output = self.output()
                self.stop()
                raise RuntimeError(f"varnishd exited:\n{output}")
            try:
                # 503 until a backend's probe has passed; then whatever the site answers.
                response = requests.get(f"{self.url}/healthz/", timeout=5, allow_redirects=False)
                if response.status_code != 503:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        output = self.output()
        self.stop()
        raise RuntimeError(f"varnishd did not answer within {timeout} s:\n{output}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)
