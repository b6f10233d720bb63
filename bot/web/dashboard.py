"""The dashboard's handlers: log in and out, the page, its event stream, template previews, removal and upload."""
from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp import BodyPartReader, MultipartReader, web

from bot.service import MemeService, UnknownTemplate, UserFacingError, UserRef
from bot.service.admin import Admin
from bot.web import overview, pages
from bot.web.auth import Session, Sessions
from bot.web.live import IngestStatus, Watch

# Who the dashboard's actions are by, in the audit log and a template's "added by".
OPERATOR = UserRef("web", "dashboard")
EVENTS_INTERVAL_SECONDS = 1.0  # how often the event stream sends what changed
MAX_CLIP_BYTES = 200_000_000  # a template clip uploaded from the page (ingest then checks its length)
CHUNK_BYTES = 1 << 16
FORM_READER = web.RequestKey("form_reader", MultipartReader)  # a multipart form after its checked csrf field

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Dashboard:
    """The operator's pages over one running service."""

    def __init__(self, service: MemeService, admin_token: str) -> None:
        self._service = service
        self.sessions = Sessions(admin_token)
        self.watch = Watch(service.queue)
        settings = dataclasses.replace(service.settings, admins=service.settings.admins | {str(OPERATOR)})
        self._admin = Admin(service.db, settings, service.templates, service.queue)  # the operator is an admin
        self._notices: dict[str, str] = {}  # session id -> what the last action did
        self._ingests: set[asyncio.Task[None]] = set()
        self._closing = False  # the server is shutting down: event streams end

    def routes(self) -> list[web.RouteDef]:
        """The dashboard's routes."""
        return [
            web.get("/login", self.login_page),
            web.post("/login", self.login),
            web.post("/logout", self._checked(self.logout)),
            web.get("/", self._logged_in(self.page)),
            web.get("/events", self._logged_in(self.events)),
            web.get("/templates/{slug}/preview.mp4", self._logged_in(self.preview)),
            web.post("/templates/{slug}/remove", self._checked(self.remove_template)),
            web.post("/templates", self._checked(self.add_template)),
        ]

    async def close(self) -> None:
        """End the event streams, stop following jobs and wait for uploads being ingested."""
        self._closing = True
        await self.watch.close()
        await asyncio.gather(*self._ingests, return_exceptions=True)

    async def login_page(self, request: web.Request) -> web.Response:
        """The login form, in a new anonymous session (its CSRF token guards the form)."""
        response = web.Response(content_type="text/html")
        session = self.sessions.of(request)
        if session is None:
            session = self.sessions.start(response, logged_in=False)
        elif session.logged_in:
            raise web.HTTPSeeOther("/")
        response.text = pages.login(self.sessions.csrf_token(session), self._notices.pop(session.id, None))
        return response

    async def login(self, request: web.Request) -> web.Response:
        """Check the token (rate-limited per address); a right one starts a new, logged-in session."""
        address = request.remote or "unknown"
        if not self.sessions.may_try(address):
            raise web.HTTPTooManyRequests(text="Too many wrong tokens; try again in a minute.")
        form = await request.post()
        session = self.sessions.of(request)
        if session is None or not self.sessions.csrf_ok(session, str(form.get("csrf", ""))):
            raise web.HTTPForbidden(text="The form has expired; open the login page again.")
        if not self.sessions.token_ok(address, str(form.get("token", ""))):
            self._notices[session.id] = "That token is not right."
            raise web.HTTPSeeOther("/login")
        response = web.HTTPSeeOther("/")
        self.sessions.end(session, response)
        self.sessions.start(response, logged_in=True)  # a new id: one seen before login never becomes an admin's
        raise response

    async def logout(self, request: web.Request, session: Session) -> web.StreamResponse:
        """End the session."""
        response = web.HTTPSeeOther("/login")
        self.sessions.end(session, response)
        raise response

    async def page(self, request: web.Request, session: Session) -> web.StreamResponse:
        """The dashboard."""
        db = self._service.db
        rows = await overview.jobs(db)
        self.watch.follow([row.id for row in rows if row.state in ("queued", "running")])
        html = pages.dashboard(
            csrf=self.sessions.csrf_token(session), notice=self._notices.pop(session.id, None),
            queue=pages.queue_rows(rows, self.watch.progress), workers=self._workers(rows),
            ingests=pages.ingest_items(self.watch.ingests.values()), failures=await overview.failures(db),
            usage=await overview.usage_today(db), templates=await self._service.templates.list())
        return web.Response(text=html, content_type="text/html", headers={"Cache-Control": "no-store"})

    async def events(self, request: web.Request, session: Session) -> web.StreamResponse:
        """Server-sent events: the queue, the workers and the uploads, each time one of them changes."""
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-store"})
        await response.prepare(request)
        sent: dict[str, str] = {}
        while not self._closing and self.sessions.of(request) is session:  # logging out ends the stream
            rows = await overview.jobs(self._service.db)
            self.watch.follow([row.id for row in rows if row.state in ("queued", "running")])
            parts = {"queue": pages.queue_rows(rows, self.watch.progress), "workers": self._workers(rows),
                     "ingests": pages.ingest_items(self.watch.ingests.values())}
            for name, html in parts.items():
                if sent.get(name) != html:
                    await response.write(f"event: {name}\ndata: {html}\n\n".encode())
                    sent[name] = html
            await asyncio.sleep(EVENTS_INTERVAL_SECONDS)
        return response

    async def preview(self, request: web.Request, session: Session) -> web.StreamResponse:
        """A template's moving preview (the template's own clip, never a user's video)."""
        try:
            template = await self._service.templates.get(request.match_info["slug"])
        except UnknownTemplate:
            raise web.HTTPNotFound() from None
        if not template.preview_video.is_file():
            raise web.HTTPNotFound()
        return web.FileResponse(template.preview_video, headers={"Content-Type": "video/mp4"})

    async def remove_template(self, request: web.Request, session: Session) -> web.StreamResponse:
        """Remove an admin-added template."""
        slug = request.match_info["slug"]
        try:
            await self._admin.remove_template(OPERATOR, slug)
            self._notices[session.id] = f"Removed template {slug}."
        except UserFacingError as refusal:
            self._notices[session.id] = refusal.message
        raise web.HTTPSeeOther("/")

    async def add_template(self, request: web.Request, session: Session) -> web.StreamResponse:
        """Start ingesting an uploaded clip, as the chat command does; its progress shows on the page."""
        fields, clip = await self._upload(request)
        slug = fields.get("slug", "").strip()
        try:
            start, end = (float(fields[name]) if fields.get(name) else None for name in ("start", "end"))
        except ValueError:
            clip.unlink(missing_ok=True)
            self._notices[session.id] = "Start and end are seconds, e.g. 12.5."
            raise web.HTTPSeeOther("/") from None
        self.watch.ingests[slug] = IngestStatus(slug, "uploaded", 0.0)
        task = asyncio.create_task(self._ingest(slug, clip, fields.get("title") or None, start, end))
        self._ingests.add(task)
        task.add_done_callback(self._ingests.discard)
        self._notices[session.id] = f"Adding template {slug}: its progress shows below."
        raise web.HTTPSeeOther("/")

    async def _ingest(self, slug: str, clip: Path, title: str | None, start: float | None, end: float | None) -> None:
        def report(stage: str, fraction: float) -> None:
            self.watch.ingests[slug] = IngestStatus(slug, stage, fraction)

        try:
            await self._admin.add_template(OPERATOR, slug, clip, title=title, start=start, end=end, progress=report)
            self.watch.ingests[slug] = IngestStatus(slug, "added", 1.0, ended=True)
        except UserFacingError as refusal:
            self.watch.ingests[slug] = IngestStatus(slug, "failed", 0.0, ended=True, error=refusal.message)
        finally:
            clip.unlink(missing_ok=True)

    async def _upload(self, request: web.Request) -> tuple[dict[str, str], Path]:
        """The form's text fields, and the clip streamed to a file of the bot's (the ingest worker reads it)."""
        uploads = self._service.settings.data_dir / "uploads"
        uploads.mkdir(parents=True, exist_ok=True)
        fields: dict[str, str] = {}
        clip: Path | None = None
        reader: MultipartReader = request[FORM_READER]
        async for part in reader:
            assert isinstance(part, BodyPartReader), "the form is flat: no nested multipart parts"
            if part.name != "clip":
                fields[str(part.name)] = await part.text()
                continue
            clip = uploads / f"{uuid.uuid4().hex}{Path(part.filename or '').suffix.lower()}"
            with clip.open("wb") as file:
                while chunk := await part.read_chunk(CHUNK_BYTES):
                    file.write(chunk)
                    if file.tell() > MAX_CLIP_BYTES:
                        break
            if (size := clip.stat().st_size) > MAX_CLIP_BYTES:
                clip.unlink()
                raise web.HTTPRequestEntityTooLarge(MAX_CLIP_BYTES, size)
        if clip is None:
            raise web.HTTPBadRequest(text="No clip was uploaded.")
        return fields, clip

    def _workers(self, rows: list[overview.JobRow]) -> str:
        settings = self._service.settings
        idle = ("no render running" if settings.broker_url else
                f"{settings.render_workers} render process(es) on {settings.device}, none rendering")
        return pages.worker_items(overview.workers(rows), idle)

    def _logged_in(self, handler: Callable[[web.Request, Session], Awaitable[web.StreamResponse]]) -> Handler:
        """Pages for a logged-in session; others go to the login form."""

        async def guarded(request: web.Request) -> web.StreamResponse:
            session = self.sessions.of(request)
            if session is None or not session.logged_in:
                if request.path == "/":
                    raise web.HTTPSeeOther("/login")
                raise web.HTTPUnauthorized(text="Log in first.")
            return await handler(request, session)

        return guarded

    def _checked(self, handler: Callable[[web.Request, Session], Awaitable[web.StreamResponse]]) -> Handler:
        """State-changing requests: a logged-in session and its CSRF token (the form's csrf field)."""

        async def guarded(request: web.Request) -> web.StreamResponse:
            session = self.sessions.of(request)
            if session is None or not session.logged_in:
                raise web.HTTPUnauthorized(text="Log in first.")
            if not self.sessions.csrf_ok(session, await self._form_csrf(request)):
                raise web.HTTPForbidden(text="The form has expired; reload the page.")
            return await handler(request, session)

        return guarded

    @staticmethod
    async def _form_csrf(request: web.Request) -> str:
        """The form's csrf field; an upload's comes first, so it is checked before the clip is read, and the rest
        of the upload is left to the handler (request[FORM_READER])."""
        if request.content_type != "multipart/form-data":
            return str((await request.post()).get("csrf", ""))
        reader = await request.multipart()
        first = await reader.next()
        if not isinstance(first, BodyPartReader) or first.name != "csrf":
            return ""
        request[FORM_READER] = reader
        return await first.text()
