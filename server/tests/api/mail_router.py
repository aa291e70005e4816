"""An SMTP server for the tests' mail: aiosmtpd delivering each recipient's copy into the
Maildir of the IMAP user its local part names (`suporte+token@…` → `suporte`), as a real MX
delivers into Dovecot. Unknown users are refused (550), as a real server does.

    python3 -m aiosmtpd -n -l 127.0.0.1:PORT -c mail_router.Router HOMES_DIR
"""

import mailbox
import os

from aiosmtpd.handlers import Message


class Router:
    def __init__(self, homes):
        self.homes = homes

    def _maildir(self, address):
        local = address.split("@", 1)[0].split("+", 1)[0].lower()
        path = os.path.join(self.homes, local, "Maildir")
        return path if os.path.isdir(path) else None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self._maildir(address) is None:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        for address in envelope.rcpt_tos:
            box = mailbox.Maildir(self._maildir(address), create=False)
            key = box.add(mailbox.MaildirMessage(envelope.original_content))
            # The IMAP server runs as the mail user: the file must be theirs to flag and move.
            stat = os.stat(self._maildir(address))
            for sub in ("new", "tmp"):
                path = os.path.join(self._maildir(address), sub, key)
                if os.path.exists(path):
                    os.chown(path, stat.st_uid, stat.st_gid)
        return "250 Message accepted for delivery"

    @staticmethod
    def from_cli(parser, *args):
        return Router(args[0])
