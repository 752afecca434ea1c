"""A throwaway Dovecot IMAP server on loopback, for the mail intake's integration test.

Everything lives in one temporary directory: config, sockets, state, log and the maildir.
Plain-text login without TLS on 127.0.0.1 only, one user with a {PLAIN} password.

Dovecot refuses to run its login processes as root, and mail as uid 0; under root (CI)
they run as the package's `dovenull` and `dovecot` users, otherwise as the current user.
"""

import contextlib
import imaplib
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

DOVECOT = shutil.which("dovecot") or (
    "/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None
)

USER = "intake"
PASSWORD = "intake-secret"


def dovecot_version() -> tuple[int, ...]:
    out = subprocess.run([DOVECOT, "--version"], capture_output=True, text=True, check=True)
    return tuple(int(n) for n in re.findall(r"\d+", out.stdout)[:3])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _accounts() -> tuple[str, str, int, int]:
    """(internal user, login user, mail uid, mail gid) that Dovecot will accept."""
    if os.geteuid() != 0:
        me = pwd.getpwuid(os.geteuid())
        return me.pw_name, me.pw_name, me.pw_uid, me.pw_gid
    internal = pwd.getpwnam("dovecot")  # created by the dovecot-core package
    login = pwd.getpwnam("dovenull")
    return internal.pw_name, login.pw_name, internal.pw_uid, internal.pw_gid


def _config_23(d: Path, port: int, internal: str, login: str, uid: int, gid: int) -> str:
    return f"""
protocols = imap
listen = 127.0.0.1
base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
info_log_path = {d}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal}
default_login_user = {login}
first_valid_uid = 0
mail_location = maildir:{d}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={d}/home/%u
}}
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
"""


def _config_24(d: Path, port: int, internal: str, login: str, uid: int, gid: int) -> str:
    # Dovecot 2.4 renamed most settings (Debian 13); same set-up in its syntax.
    return f"""
dovecot_config_version = 2.4.0
dovecot_storage_version = 2.4.0
protocols = imap
listen = 127.0.0.1
base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
info_log_path = {d}/dovecot.log
ssl = no
auth_allow_cleartext = yes
auth_mechanisms = plain login
default_internal_user = {internal}
default_login_user = {login}
first_valid_uid = 0
mail_driver = maildir
mail_path = {d}/mail/%{{user}}
mail_home = {d}/home/%{{user}}
passdb passwd-file {{
  passwd_file_path = {d}/passwd
  default_password_scheme = PLAIN
}}
userdb static {{
  fields {{
    uid = {uid}
    gid = {gid}
    home = {d}/home/%{{user}}
  }}
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""


class DovecotServer:
    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="itsm-dovecot-"))
        self.port = _free_port()
        self.process: subprocess.Popen | None = None
        self._stderr = None

    @property
    def log(self) -> str:
        path = self.dir / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def url(self, folder: str = "INBOX") -> str:
        return f"imap://{USER}:{PASSWORD}@127.0.0.1:{self.port}/{folder}"

    def start(self, timeout: float = 15) -> None:
        internal, login, uid, gid = _accounts()
        # The unprivileged login and mail processes must reach their sockets and maildir.
        self.dir.chmod(0o755)
        for sub in ("mail", "home"):
            (self.dir / sub).mkdir()
            os.chown(self.dir / sub, uid, gid)
        (self.dir / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
        config = _config_24 if dovecot_version() >= (2, 4) else _config_23
        conf = self.dir / "dovecot.conf"
        conf.write_text(config(self.dir, self.port, internal, login, uid, gid))
        self._stderr = open(self.dir / "stderr.log", "wb")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=self._stderr
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            with contextlib.suppress(OSError, imaplib.IMAP4.error):
                client = imaplib.IMAP4("127.0.0.1", self.port, timeout=2)
                client.logout()
                return
            time.sleep(0.1)
        stderr = (self.dir / "stderr.log").read_text(errors="replace")
        self.stop()
        raise RuntimeError(f"Dovecot did not start:\n{stderr}\n{self.log}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.process = None
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None
        shutil.rmtree(self.dir, ignore_errors=True)

    # --- a mail client's view ---------------------------------------------------------

    @contextlib.contextmanager
    def client(self, folder: str = "INBOX"):
        client = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        try:
            client.login(USER, PASSWORD)
            client.select(f'"{folder}"')
            yield client
        finally:
            with contextlib.suppress(imaplib.IMAP4.error, OSError):
                client.logout()

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        with self.client(folder) as client:
            status, data = client.append(f'"{folder}"', None, None, raw)
            assert status == "OK", data

    def search(self, criteria: str, folder: str = "INBOX") -> list[bytes]:
        with self.client(folder) as client:
            status, data = client.uid("SEARCH", None, criteria)
            assert status == "OK", data
            return data[0].split()
