"""Notifications by e-mail (``openets serve --smtp URL``).

``smtp://[user:password@]host[:port][?from=openets@example.org&domain=example.org]``
(``smtps://`` for TLS from the start, ``?starttls=1`` to upgrade). Each notification goes to
the users it is for, at ``username@domain``. Sending happens in a thread of its own, so a slow
or absent mail server never holds up the market; a failure is logged and the mail dropped.
"""

from __future__ import annotations

import logging
import queue
import smtplib
import threading
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

from sqlalchemy import select

from openets.api.notify import Note
from openets.api.notify_english import english
from openets.api.users import UserStore
from openets.store import schema

log = logging.getLogger("openets.api.mailer")


class Mailer:
    def __init__(self, url: str, users: UserStore) -> None:
        u = urlsplit(url)
        if u.scheme not in ("smtp", "smtps") or not u.hostname:
            raise ValueError(f"--smtp must be smtp://host:port or smtps://…, was {url!r}")
        q = parse_qs(u.query)
        self.host = u.hostname
        self.port = u.port or (465 if u.scheme == "smtps" else 25)
        self.tls = u.scheme == "smtps"
        self.starttls = q.get("starttls", ["0"])[0] in ("1", "true")
        self.user = unquote(u.username) if u.username else None
        self.password = unquote(u.password) if u.password else None
        self.domain = q.get("domain", ["localhost"])[0]
        self.sender = q.get("from", [f"openets@{self.domain}"])[0]
        self.users = users
        self.queue: queue.Queue[Note | None] = queue.Queue()
        self.sent = 0
        self._thread = threading.Thread(target=self._run, name="mailer", daemon=True)
        self._thread.start()

    def enqueue(self, n: Note) -> None:
        self.queue.put(n)

    def stop(self) -> None:
        self.queue.put(None)
        self._thread.join(timeout=5)

    def recipients(self, n: Note) -> list[str]:
        u = schema.users.c
        q = select(u.username)
        if n.user is not None:
            q = q.where(u.username == n.user)
        elif n.account_id is not None:
            q = q.where(u.account_id == n.account_id)
        elif n.role is not None:
            q = q.where(u.role == n.role, u.username != n.actor)
        else:
            return []
        with self.users.engine.connect() as conn:
            names = [str(r[0]) for r in conn.execute(q)]
        return [f"{name}@{self.domain}" for name in sorted(names)]

    def _run(self) -> None:
        while True:
            n = self.queue.get()
            if n is None:
                return
            try:
                self.send(n)
            except Exception:  # the mail server is down or refuses: log, keep going
                log.exception("notification %s was not e-mailed", n.note_id)

    def send(self, n: Note) -> None:
        to = self.recipients(n)
        if not to:
            return
        msg = EmailMessage()
        msg["From"] = self.sender
        msg["To"] = ", ".join(to)
        msg["Subject"] = f"[OpenETS] {english(n)}"
        msg.set_content(f"{english(n)}\n\n{n.time}\n")
        smtp_cls = smtplib.SMTP_SSL if self.tls else smtplib.SMTP
        with smtp_cls(self.host, self.port, timeout=10) as s:
            if self.starttls:
                s.starttls()
            if self.user:
                s.login(self.user, self.password or "")
            s.send_message(msg)
        self.sent += 1
