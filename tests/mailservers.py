"""Real mail servers for the incoming-mail tests, started by the test on a
free port and stopped by it: an SMTP server (aiosmtpd, in this process) that
receives what the outbox sends, and Debian's dovecot (a child process with
its own configuration and Maildir in a temporary folder) that serves the
editorial mailbox over IMAP.

Without dovecot installed the IMAP tests skip on a developer's machine and
FAIL under CI=true (tests.services.unavailable), like the Redis tests."""

from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from email import message_from_bytes
from email import policy as email_policy
from email.message import EmailMessage
from pathlib import Path

from tests.services import unavailable

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
IMAP_USER = "casebook"
IMAP_PASSWORD = "secret"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# SMTP ------------------------------------------------------------------------------


@dataclass
class ReceivedMail:
    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.envelopes.append(envelope)
        self.messages.append(message_from_bytes(envelope.original_content, policy=email_policy.default))
        return "250 Message accepted for delivery"


def start_smtp():
    """(controller, received): stop the controller when done."""
    from aiosmtpd.controller import Controller

    received = ReceivedMail()
    controller = Controller(received, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller, received


# IMAP ------------------------------------------------------------------------------

_CONFIG = """
base_dir = {base}/run
state_dir = {base}/state
log_path = {base}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = {uid}
first_valid_gid = {gid}
mail_location = maildir:{base}/mail/%u
default_internal_user = {internal}
default_login_user = {login}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
passdb {{
  driver = static
  args = password={password}
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={base}/home/%u
}}
"""


class Dovecot:
    """Debian's dovecot as a non-daemon child: plain login on localhost, one Maildir."""

    def __init__(self):
        if not os.path.exists(DOVECOT):
            unavailable("dovecot is not installed (apt-get install dovecot-imapd): the IMAP tests need it")
        # Not pytest's tmp_path: its parents are private to us, and dovecot's
        # mail processes run as its own user, which must reach the Maildir.
        base = self.base = Path(tempfile.mkdtemp(prefix="casebook-dovecot-"))
        self.port = free_port()
        if os.getuid() == 0:
            # Dovecot never runs mail as root: the Maildir belongs to its own user.
            user = pwd.getpwnam("dovecot")
            uid, gid, internal, login = user.pw_uid, user.pw_gid, "dovecot", "dovenull"
        else:
            me = pwd.getpwuid(os.getuid())
            uid, gid, internal, login = me.pw_uid, me.pw_gid, me.pw_name, me.pw_name
        for sub in ("run", "state", "mail", "home"):
            (base / sub).mkdir(parents=True, exist_ok=True)
        base.chmod(0o755)
        if os.getuid() == 0:
            for sub in ("mail", "home"):
                os.chown(base / sub, uid, gid)
        config = base / "dovecot.conf"
        config.write_text(
            _CONFIG.format(
                base=base,
                port=self.port,
                uid=uid,
                gid=gid,
                internal=internal,
                login=login,
                password=IMAP_PASSWORD,
            )
        )
        self.process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(config)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._wait_until_ready()

    @property
    def url(self) -> str:
        return f"imap://{IMAP_USER}:{IMAP_PASSWORD}@127.0.0.1:{self.port}/"

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                output = self.process.stdout.read().decode(errors="replace")
                log = (self.base / "dovecot.log").read_text() if (self.base / "dovecot.log").exists() else ""
                raise RuntimeError(f"dovecot exited: {output}\n{log}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("dovecot did not listen within 20 seconds")

    def client(self) -> imaplib.IMAP4:
        connection = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        connection.login(IMAP_USER, IMAP_PASSWORD)
        return connection

    def deliver(self, raw: bytes, folder: str = "INBOX") -> None:
        connection = self.client()
        try:
            status, detail = connection.append(folder, None, None, raw)
            assert status == "OK", detail
        finally:
            connection.logout()

    def message_ids(self, folder: str) -> list[str]:
        """The Message-IDs of what is in `folder` (empty if it does not exist)."""
        connection = self.client()
        try:
            status, _ = connection.select(f'"{folder}"', readonly=True)
            if status != "OK":
                return []
            _, data = connection.uid("SEARCH", None, "ALL")
            ids = []
            for uid in (data[0] or b"").split():
                _, fetched = connection.uid("FETCH", uid, "(BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
                header = message_from_bytes(fetched[0][1], policy=email_policy.default)
                ids.append(str(header["Message-ID"] or ""))
            return ids
        finally:
            connection.logout()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self.process.stdout:
            self.process.stdout.close()
        shutil.rmtree(self.base, ignore_errors=True)
