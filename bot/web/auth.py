"""The dashboard's login: the admin token, signed session cookies, CSRF tokens and a limit on wrong tokens."""
from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections import defaultdict, deque
from dataclasses import dataclass

from aiohttp import web

SESSION_COOKIE = "memebot_session"
SESSION_SECONDS = 12 * 3600  # an operator logs in again after this
LOGIN_ATTEMPTS_PER_MINUTE = 5  # wrong tokens from one address; then it waits
LOGIN_WINDOW_SECONDS = 60.0


@dataclass
class Session:
    """One browser's session: anonymous until its token was right."""

    id: str
    logged_in: bool
    expires: float


class Sessions:
    """Server-side sessions named by a random id, carried in a cookie signed with a key made at start."""

    def __init__(self, admin_token: str) -> None:
        self._token = admin_token.encode()
        self._key = secrets.token_bytes(32)  # sessions end when the process does
        self._sessions: dict[str, Session] = {}
        self._failures: defaultdict[str, deque[float]] = defaultdict(deque)

    def start(self, response: web.StreamResponse, *, logged_in: bool) -> Session:
        """A new session, its cookie set on `response`."""
        self._drop_expired()
        session = Session(secrets.token_urlsafe(24), logged_in, time.time() + SESSION_SECONDS)
        self._sessions[session.id] = session
        response.set_cookie(SESSION_COOKIE, f"{session.id}.{self._sign(session.id)}", max_age=SESSION_SECONDS,
                            httponly=True, samesite="Strict", path="/")
        return session

    def of(self, request: web.Request) -> Session | None:
        """The request's session, if its cookie is signed by us and the session has not expired."""
        sid, _, signature = request.cookies.get(SESSION_COOKIE, "").partition(".")
        if not sid or not hmac.compare_digest(signature, self._sign(sid)):
            return None
        session = self._sessions.get(sid)
        if session is None or session.expires < time.time():
            return None
        return session

    def end(self, session: Session, response: web.StreamResponse) -> None:
        """Log out: the session is forgotten and its cookie deleted."""
        self._sessions.pop(session.id, None)
        response.del_cookie(SESSION_COOKIE, path="/")

    def csrf_token(self, session: Session) -> str:
        """The token every form of this session carries."""
        return self._sign(f"csrf:{session.id}")

    def csrf_ok(self, session: Session, token: str) -> bool:
        """Whether a form's token is its session's."""
        return hmac.compare_digest(token, self.csrf_token(session))

    def may_try(self, address: str) -> bool:
        """Whether this address has wrong tokens left this minute."""
        failures = self._failures[address]
        while failures and failures[0] < time.monotonic() - LOGIN_WINDOW_SECONDS:
            failures.popleft()
        return len(failures) < LOGIN_ATTEMPTS_PER_MINUTE

    def token_ok(self, address: str, token: str) -> bool:
        """Check a login token (in constant time); a wrong one counts against the address."""
        if hmac.compare_digest(token.encode(), self._token):
            self._failures.pop(address, None)
            return True
        self._failures[address].append(time.monotonic())
        return False

    def _sign(self, value: str) -> str:
        return hmac.new(self._key, value.encode(), hashlib.sha256).hexdigest()

    def _drop_expired(self) -> None:
        now = time.time()
        for sid in [sid for sid, session in self._sessions.items() if session.expires < now]:
            del self._sessions[sid]
