#!/usr/bin/env python3
"""Real mail servers on loopback for the benchmarks and the browser suite: Debian's Dovecot as
the IMAP server (an unprivileged instance, one Maildir per user) and an SMTP server (aiosmtpd
with server/tests/api/mail_router.py) delivering into those mailboxes as an MX would.

As a program it starts both, writes {"imap_port", "smtp_port", "homes", "password"} to
DIR/servers.json and runs until it is stopped (SIGTERM), stopping Dovecot with it:

    python3 scripts/mail_servers.py DIR suporte diego
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "server", "tests", "api"))
from harness import free_port  # noqa: E402
from mail_router import Router  # noqa: E402

PASSWORD = "senha-de-teste"


def start_dovecot(work, users):
    """Dovecot on a free port with a Maildir per user. Returns (process, port, homes, (uid, gid)):
    as root the mail belongs to `nobody` (Dovecot refuses uid 0), else to whoever runs."""
    port = free_port()
    homes = os.path.join(work, "home")
    root = os.geteuid() == 0
    # Dovecot's own processes (its `dovecot` user) read the password file under `work`: every
    # directory on the way must let them through.
    os.chmod(work, 0o755)
    parent = os.path.dirname(work)
    while parent != os.path.dirname(parent):
        if not os.stat(parent).st_mode & 0o001:
            sys.exit(f"{parent} is closed to other users: Dovecot could not read {work}")
        parent = os.path.dirname(parent)
    uid, gid = (65534, 65534) if root else (os.getuid(), os.getgid())
    with open(os.path.join(work, "users"), "w") as f:
        for user in users:
            for sub in ("new", "cur", "tmp"):
                os.makedirs(os.path.join(homes, user, "Maildir", sub), exist_ok=True)
            f.write(f"{user}:{{PLAIN}}{PASSWORD}\n")
    subprocess.run(["chown", "-R", f"{uid}:{gid}", homes], check=True)
    me = subprocess.run(["id", "-un"], capture_output=True, text=True).stdout.strip()
    unprivileged = "" if root else (
        f"default_login_user = {me}\ndefault_internal_user = {me}\ndefault_internal_group = {me}\n")
    conf = os.path.join(work, "dovecot.conf")
    with open(conf, "w") as f:
        f.write(
            f"base_dir = {work}/run\nstate_dir = {work}/state\nlog_path = {work}/dovecot.log\n"
            "protocols = imap\nlisten = 127.0.0.1\nssl = no\ndisable_plaintext_auth = no\n"
            f"auth_mechanisms = plain login\nfirst_valid_uid = 1\n{unprivileged}"
            f"mail_location = maildir:{homes}/%n/Maildir\n"
            f"passdb {{\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u {work}/users\n}}\n"
            f"userdb {{\n  driver = static\n  args = uid={uid} gid={gid} home={homes}/%n\n}}\n"
            f"service imap-login {{\n  inet_listener imap {{\n    address = 127.0.0.1\n    port = {port}\n  }}\n"
            "  inet_listener imaps {\n    port = 0\n  }\n}\n")
    process = subprocess.Popen(["/usr/sbin/dovecot", "-F", "-c", conf],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 15
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, port, homes, (uid, gid)
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                log = os.path.join(work, "dovecot.log")
                sys.exit("dovecot did not start: " + (open(log).read()[-2000:] if os.path.exists(log) else ""))
            time.sleep(0.05)


def start_router(homes):
    """The SMTP server delivering into `homes`, in this process; returns (controller, port)."""
    from aiosmtpd.controller import Controller

    port = free_port()
    controller = Controller(Router(homes), hostname="127.0.0.1", port=port)
    controller.start()
    return controller, port


def main():
    work, users = os.path.abspath(sys.argv[1]), sys.argv[2:]
    os.makedirs(work, exist_ok=True)
    dovecot, imap_port, homes, _ = start_dovecot(work, users)
    controller, smtp_port = start_router(homes)
    with open(os.path.join(work, "servers.json"), "w") as f:
        json.dump({"imap_port": imap_port, "smtp_port": smtp_port, "homes": homes,
                   "password": PASSWORD}, f)

    def stop(*_):
        controller.stop()
        dovecot.terminate()
        dovecot.wait()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
