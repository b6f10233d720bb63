"""A fake Discord on 127.0.0.1 for end-to-end tests: REST API, attachment CDN, and a gateway speaking its protocol.

It keeps what a user would see (messages with their edits, files and buttons) and every REST call, and injects
interactions (slash commands, button clicks, autocomplete) through the gateway the way Discord does: on the shard
that holds the server, or on shard 0 for a DM, with as many shards as GET /gateway/bot told the bot to open.
"""
from __future__ import annotations

import asyncio
import itertools
import json
import secrets
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, TypeVar

from aiohttp import web

API = "/api/v10"
TOKEN = "fake-token"  # the bot token the fake accepts; REST calls with another are answered 401 Unauthorized
APPLICATION_ID = 900000000000000001
BOT_USER = {"id": "900000000000000002", "username": "memebot", "discriminator": "0", "global_name": None,
            "avatar": None, "bot": True}
GUILD_ID = 900000000000000010
CHANNEL_ID = 900000000000000011
DEFAULT_UPLOAD_LIMIT = 10 * 1024 * 1024
DEFAULT_LOCALE = "en-US"  # the language of a user's Discord, unless a test says otherwise
TOKEN_LIFETIME = timedelta(minutes=15)
EPHEMERAL = 1 << 6
ADMINISTRATOR, MANAGE_GUILD = 1 << 3, 1 << 5
MEMBER_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 15)  # view channel, send messages, attach files
DISCORD_EPOCH_MS = 1_420_070_400_000
HEARTBEAT_INTERVAL_MS = 41_250
# Option types (https://discord.com/developers/docs/interactions/application-commands#application-command-object)
SUB_COMMAND, USER_OPTION, ATTACHMENT_OPTION = 1, 6, 11
APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE = 2, 3, 4
MESSAGE_COMMAND = 3  # an application command type: a message menu entry
T = TypeVar("T")

_sequence = itertools.count(1)


def snowflake(at: datetime | None = None) -> int:
    """A Discord id whose timestamp is `at` (now by default); discord.py reads creation times from ids."""
    milliseconds = int((at or datetime.now(timezone.utc)).timestamp() * 1000) - DISCORD_EPOCH_MS
    return (milliseconds << 22) | (next(_sequence) % 4096)


def user(user_id: int) -> dict[str, Any]:
    """A plain Discord user payload."""
    return {"id": str(user_id), "username": f"user{user_id}", "discriminator": "0", "global_name": None, "avatar": None}


@dataclass
class Upload:
    """A file the bot attached to a message."""

    id: int
    filename: str
    data: bytes

    def payload(self, base_url: str) -> dict[str, Any]:
        url = f"{base_url}/uploads/{self.id}/{self.filename}"
        return {"id": str(self.id), "filename": self.filename, "size": len(self.data), "url": url, "proxy_url": url}


@dataclass
class Message:
    """A message as users see it, with every version it had."""

    id: int
    channel_id: int
    flags: int
    token: str | None  # the interaction whose webhook may edit it
    context: Interaction | None  # where its buttons are clicked
    content: str = ""
    components: list[dict[str, Any]] = field(default_factory=list)
    uploads: list[Upload] = field(default_factory=list)
    history: list[str] = field(default_factory=list)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    def buttons(self) -> dict[str, str]:
        """Button labels and their custom ids."""
        return {button["label"]: button["custom_id"] for row in self.components for button in row["components"]
                if button["type"] == 2}

    def options(self) -> dict[str, tuple[str, str]]:
        """Select menu options' labels, and their menu's custom id and value."""
        return {option["label"]: (menu["custom_id"], option["value"]) for row in self.components
                for menu in row["components"] if menu["type"] == 3 for option in menu["options"]}

    def update(self, body: dict[str, Any], files: list[Upload]) -> None:
        if "content" in body:
            self.content = body["content"] or ""
            self.history.append(self.content)
        if "components" in body:
            self.components = body["components"] or []
        if "attachments" in body:  # the attachments to keep (by id), besides the new files
            kept = {int(entry["id"]) for entry in body["attachments"]}
            self.uploads = [upload for upload in self.uploads if upload.id in kept] + files
        else:
            self.uploads += files
        if "flags" in body:
            self.flags |= body["flags"] or 0

    def payload(self, base_url: str) -> dict[str, Any]:
        return {
            "id": str(self.id), "channel_id": str(self.channel_id), "type": 0, "content": self.content,
            "author": BOT_USER, "attachments": [upload.payload(base_url) for upload in self.uploads],
            "embeds": [], "components": self.components, "flags": self.flags, "mentions": [], "mention_roles": [],
            "mention_everyone": False, "pinned": False, "tts": False, "edited_timestamp": None,
            "timestamp": datetime.now(timezone.utc).isoformat(),
            "application_id": str(APPLICATION_ID), "webhook_id": str(APPLICATION_ID),
        }


@dataclass
class Interaction:
    """An interaction the test sent, and what the bot answered through its token."""

    id: int
    token: str
    payload: dict[str, Any]
    created_at: datetime
    shard: int  # the gateway shard it arrived on
    callbacks: list[dict[str, Any]] = field(default_factory=list)
    original: Message | None = None  # the response (what a deferred command turns into)
    followups: list[Message] = field(default_factory=list)

    @property
    def user_id(self) -> int:
        return int((self.payload.get("member") or self.payload)["user"]["id"])

    def token_alive(self) -> bool:
        return datetime.now(timezone.utc) < self.created_at + TOKEN_LIFETIME


@dataclass
class Call:
    """One REST request the bot made."""

    method: str
    path: str
    body: dict[str, Any] | list[Any] | None


class FakeDiscord:
    """Discord's REST API, CDN and gateway for one bot, on a random local port."""

    def __init__(self) -> None:
        self.shard_count = 1  # what GET /gateway/bot tells the bot to open; set before the bot starts
        self.calls: list[Call] = []
        self.unexpected: list[str] = []
        self.commands: list[dict[str, Any]] = []
        self.identifies: list[dict[str, Any]] = []
        self.cdn_downloads: list[str] = []
        self.forbidden_channels: set[int] = set()
        self.messages: dict[int, Message] = {}
        self._interactions: dict[str, Interaction] = {}
        self._cdn: dict[str, bytes] = {}
        self._dm_channels: dict[int, int] = {}
        self._gateways: list[_Gateway] = []  # the identified (or resumed) connections, newest last
        self._session_shards: dict[str, int] = {}
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.url = ""

    # -- running ------------------------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/unconfigured-gateway", self._unconfigured_gateway)
        app.router.add_get("/cdn/{key}/{filename}", self._cdn_file)
        app.router.add_route("*", API + "/{path:.*}", self._rest)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        for gateway in self._gateways:
            await gateway.socket.close()
        assert self._runner is not None
        await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return self.url + API

    @property
    def gateway_url(self) -> str:
        return self.url.replace("http://", "ws://") + "/gateway"

    @property
    def rest_gateway_url(self) -> str:
        """The URL GET /gateway/bot answers, as a REST proxy passes Discord's on: not the gateway the bot is set to."""
        return self.url.replace("http://", "ws://") + "/unconfigured-gateway"

    @staticmethod
    def shard_of(guild_id: int | None, shard_count: int) -> int:
        """Where Discord sends a server's events; DMs go to shard 0."""
        return 0 if guild_id is None else (guild_id >> 22) % shard_count

    def connected_shards(self) -> list[int]:
        return sorted({gateway.shard for gateway in self._gateways if gateway.shard is not None})

    # -- what the tests do ------------------------------------------------------------------------------------

    def attachment(self, data: bytes, filename: str, content_type: str, size: int | None = None) -> dict[str, Any]:
        """An attachment payload served by the fake CDN (`size` may claim more than the data holds)."""
        attachment_id = snowflake()
        key = str(attachment_id)
        self._cdn[key] = data
        url = f"{self.url}/cdn/{key}/{filename}"
        return {"id": str(attachment_id), "filename": filename, "size": len(data) if size is None else size,
                "url": url, "proxy_url": url, "content_type": content_type}

    async def command(
        self,
        name: str,
        user_id: int,
        options: dict[str, Any] | None = None,
        *,
        permissions: int = MEMBER_PERMISSIONS,
        in_dm: bool = False,
        upload_limit: int = DEFAULT_UPLOAD_LIMIT,
        created_at: datetime | None = None,
        focused: str | None = None,
        locale: str = DEFAULT_LOCALE,
    ) -> Interaction:
        """Run a slash command (`"memebot-admin ban"` for a subcommand) as that user; options by name.

        Attachment options take `attachment()` payloads and user options take user ids; `focused` turns it into
        an autocomplete request for that option; `locale` is the language the user's Discord is set to.
        """
        path = name.split()
        definition = self._command(path[0])
        data: dict[str, Any] = {"id": definition["id"], "name": path[0], "type": 1, "resolved": {}}
        target = data
        for sub in path[1:]:
            definition = next(option for option in definition["options"] if option["name"] == sub)
            target["options"] = [nested := {"name": sub, "type": SUB_COMMAND}]
            target = nested
        target["options"] = [self._option(definition, key, value, data["resolved"], focused)
                             for key, value in (options or {}).items()]
        kind = AUTOCOMPLETE if focused else APPLICATION_COMMAND
        return await self._interact(kind, data, user_id, permissions=permissions, in_dm=in_dm,
                                    upload_limit=upload_limit, created_at=created_at, locale=locale)

    async def message_command(self, name: str, user_id: int, author_id: int,
                              attachments: list[dict[str, Any]], locale: str = DEFAULT_LOCALE) -> Interaction:
        """Run a message menu command (e.g. "Make it sing") on a message by `author_id` with these attachments."""
        definition = self._command(name)
        assert definition["type"] == MESSAGE_COMMAND, f"{name!r} is not a message command"
        message_id = snowflake()
        message = {
            "id": str(message_id), "channel_id": str(CHANNEL_ID), "type": 0, "content": "", "author": user(author_id),
            "attachments": attachments, "embeds": [], "components": [], "flags": 0, "mentions": [],
            "mention_roles": [], "mention_everyone": False, "pinned": False, "tts": False, "edited_timestamp": None,
            "timestamp": datetime.now(timezone.utc).isoformat(),
        }
        data = {"id": definition["id"], "name": name, "type": MESSAGE_COMMAND, "target_id": str(message_id),
                "resolved": {"messages": {str(message_id): message}}}
        return await self._interact(APPLICATION_COMMAND, data, user_id, permissions=MEMBER_PERMISSIONS, in_dm=False,
                                    upload_limit=DEFAULT_UPLOAD_LIMIT, locale=locale)

    async def click(self, message: Message, label: str, by: int | None = None) -> Interaction:
        """Press a button on a message, as `by` or else the user of the interaction the message belongs to."""
        return await self._component(message, {"custom_id": message.buttons()[label], "component_type": 2}, by)

    async def choose(self, message: Message, label: str, by: int | None = None) -> Interaction:
        """Pick an option of a select menu on a message, like `click`."""
        custom_id, value = message.options()[label]
        return await self._component(message, {"custom_id": custom_id, "component_type": 3, "values": [value]}, by)

    async def _component(self, message: Message, data: dict[str, Any], by: int | None) -> Interaction:
        assert message.context is not None, "only interaction messages have buttons here"
        context = message.context.payload
        return await self._interact(  # someone else pressing has their own language; the asker keeps theirs
            MESSAGE_COMPONENT, data, by or message.context.user_id,
            permissions=int(context.get("member", {}).get("permissions", MEMBER_PERMISSIONS)),
            in_dm="guild_id" not in context, upload_limit=context["attachment_size_limit"],
            message=message.payload(self.url),
            locale=context["locale"] if by in (None, message.context.user_id) else DEFAULT_LOCALE,
        )

    async def wait_for(self, check: Callable[[], T | None], timeout: float = 60.0) -> T:
        """Wait until `check()` returns something truthy (checked after every change), and return it."""
        async with asyncio.timeout(timeout):
            async with self._changed:
                while not (result := check()):
                    await self._changed.wait()
                return result

    async def answer(self, interaction: Interaction, containing: str = "", timeout: float = 60.0) -> Message:
        """The interaction's response message once it says `containing` (by default: once it says anything)."""

        def said() -> Message | None:
            message = interaction.original
            return message if message and message.content and containing in message.content else None

        return await self.wait_for(said, timeout)

    def channel_messages(self, channel_id: int) -> list[Message]:
        """Messages posted in a channel with the bot token, not through an interaction."""
        return [m for m in self.messages.values() if m.channel_id == channel_id and m.token is None]

    def dm_channel(self, user_id: int) -> int | None:
        return self._dm_channels.get(user_id)

    def videos(self) -> list[Message]:
        """Every message that carries an .mp4, however it was sent."""
        return [m for m in self.messages.values() if any(u.filename.endswith(".mp4") for u in m.uploads)]

    def calls_to(self, method: str, path_start: str) -> list[Call]:
        return [call for call in self.calls if call.method == method and call.path.startswith(path_start)]

    # -- building interactions ------------------------------------------------------------------------------

    def _command(self, name: str) -> dict[str, Any]:
        for command in self.commands:
            if command["name"] == name:
                return command
        raise AssertionError(f"the bot did not register /{name}; it registered {[c['name'] for c in self.commands]}")

    def _option(self, definition: dict[str, Any], name: str, value: Any, resolved: dict[str, Any], focused: str | None):
        option_type = next(option["type"] for option in definition.get("options", []) if option["name"] == name)
        if option_type == ATTACHMENT_OPTION:
            resolved.setdefault("attachments", {})[value["id"]] = value
            value = value["id"]
        elif option_type == USER_OPTION:
            resolved.setdefault("users", {})[str(value)] = user(value)
            value = str(value)
        option = {"name": name, "type": option_type, "value": value}
        if name == focused:
            option["focused"] = True
        return option

    async def _interact(
        self, kind: int, data: dict[str, Any], user_id: int, *, permissions: int, in_dm: bool, upload_limit: int,
        created_at: datetime | None = None, message: dict[str, Any] | None = None, locale: str = DEFAULT_LOCALE,
    ) -> Interaction:
        created_at = created_at or datetime.now(timezone.utc)
        interaction_id, token = snowflake(created_at), secrets.token_urlsafe(24)
        payload: dict[str, Any] = {
            "id": str(interaction_id), "application_id": str(APPLICATION_ID), "type": kind, "data": data,
            "token": token, "version": 1, "locale": locale, "app_permissions": str(MEMBER_PERMISSIONS),
            "attachment_size_limit": upload_limit, "entitlements": [],
        }
        if in_dm:
            channel_id = self._dm_channels.setdefault(user_id, snowflake())
            payload |= {"user": user(user_id), "context": 1, "channel_id": str(channel_id),
                        "channel": {"id": str(channel_id), "type": 1, "recipients": [user(user_id)]},
                        "authorizing_integration_owners": {"0": str(user_id)}}
        else:
            payload |= {
                "guild_id": str(GUILD_ID), "guild_locale": "en-US", "context": 0, "channel_id": str(CHANNEL_ID),
                "guild": {"id": str(GUILD_ID), "locale": "en-US", "features": []},
                "channel": {"id": str(CHANNEL_ID), "type": 0, "guild_id": str(GUILD_ID), "name": "memes",
                            "position": 0, "permission_overwrites": [], "nsfw": False, "parent_id": None,
                            "flags": 0, "permissions": str(permissions)},
                "member": {"user": user(user_id), "roles": [], "permissions": str(permissions), "nick": None,
                           "avatar": None, "joined_at": "2024-01-01T00:00:00+00:00", "deaf": False, "mute": False,
                           "flags": 0},
                "authorizing_integration_owners": {"0": str(GUILD_ID)},
            }
        if message is not None:
            payload["message"] = message
        shard = self.shard_of(None if in_dm else GUILD_ID, self.shard_count)
        gateways = [gateway for gateway in self._gateways if gateway.shard == shard]
        if not gateways:
            raise AssertionError(f"the bot is not connected to the gateway on shard {shard}")
        interaction = Interaction(interaction_id, token, payload, created_at, shard)
        self._interactions[token] = interaction
        await gateways[-1].dispatch("INTERACTION_CREATE", payload)
        return interaction

    # -- the gateway ----------------------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        assert request.query.get("v") == "10" and request.query.get("encoding") == "json", dict(request.query)
        compression = request.query.get("compress")
        assert compression in (None, "zlib-stream"), f"the fake only speaks zlib-stream, not {compression}"
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        gateway = _Gateway(socket, zlib.compressobj() if compression else None)
        await gateway.send({"op": 10, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}, "s": None, "t": None})
        async for frame in socket:
            message = json.loads(frame.data)
            match message["op"]:
                case 1:  # heartbeat
                    await gateway.send({"op": 11, "d": None, "s": None, "t": None})
                case 2:  # identify
                    self.identifies.append(message["d"])
                    shard = message["d"].get("shard", [0, 1])  # an unsharded bot may leave it out
                    if shard[1] != self.shard_count or not 0 <= shard[0] < shard[1]:
                        # Discord's close codes: 4011 sharding required, 4010 invalid shard.
                        await socket.close(code=4011 if shard[1] < self.shard_count else 4010)
                        break
                    gateway.shard = shard[0]
                    session_id = secrets.token_hex(8)
                    self._session_shards[session_id] = gateway.shard
                    ours = self.shard_of(GUILD_ID, self.shard_count) == gateway.shard
                    await gateway.dispatch("READY", {
                        "v": 10, "user": BOT_USER, "session_id": session_id, "shard": shard,
                        "resume_gateway_url": self.gateway_url,
                        "guilds": [{"id": str(GUILD_ID), "unavailable": True}] if ours else [],
                        "application": {"id": str(APPLICATION_ID), "flags": 0}, "private_channels": [],
                    })
                    self._gateways.append(gateway)
                    if ours:
                        await gateway.dispatch("GUILD_CREATE", _guild())
                    await self._notify()
                case 6:  # resume
                    gateway.shard = self._session_shards[message["d"]["session_id"]]
                    self._gateways.append(gateway)
                    await gateway.dispatch("RESUMED", {})
        if gateway in self._gateways:
            self._gateways.remove(gateway)
        return socket

    async def _unconfigured_gateway(self, request: web.Request) -> web.Response:
        self.unexpected.append("connected to the gateway URL from GET /gateway/bot, not MEMEBOT_DISCORD_GATEWAY_URL")
        return web.Response(status=404)

    # -- REST ---------------------------------------------------------------------------------------------

    async def _cdn_file(self, request: web.Request) -> web.Response:
        self.cdn_downloads.append(request.match_info["filename"])
        return web.Response(body=self._cdn[request.match_info["key"]])

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        body, files = await self._read_body(request)
        path = "/" + request.match_info["path"]
        self.calls.append(Call(request.method, path, body))
        try:
            _check_token(request, path)
            response = self._route(request.method, path.split("/")[1:], body or {}, files)
        except _DiscordError as error:
            response = _json({"message": error.message, "code": error.code}, status=error.status)
        await self._notify()
        return response

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    def _route(self, method: str, parts: list[str], body: Any, files: list[Upload]) -> web.StreamResponse:
        match method, parts:
            case "GET", ["users", "@me"]:
                return _json(BOT_USER)
            case "GET", ["oauth2", "applications", "@me"]:
                return _json(_application())
            case "GET", ["gateway", "bot"]:  # the adapter asks for the shard count only
                limit = {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}
                return _json({"url": self.rest_gateway_url, "shards": self.shard_count, "session_start_limit": limit})
            case "PUT", ["applications", _, "commands"]:
                # Like Discord: a message menu command comes back with an empty description.
                self.commands = [{"description": ""} | command | {"id": str(snowflake()),
                                 "application_id": str(APPLICATION_ID), "version": str(snowflake())}
                                 for command in body]
                return _json(self.commands)
            case "POST", ["interactions", _, token, "callback"]:
                return self._callback(self._interaction(token), body, files)
            case "POST", ["webhooks", _, token]:
                interaction = self._interaction(token)
                message = self._new_message(int(interaction.payload["channel_id"]), body.get("flags") or 0, interaction)
                message.update(body, files)
                interaction.followups.append(message)
                return self._message_response(message)
            case "PATCH", ["webhooks", _, token, "messages", message_id]:
                message = self._webhook_message(self._interaction(token), message_id)
                message.update(body, files)
                return self._message_response(message)
            case "DELETE", ["webhooks", _, token, "messages", message_id]:
                message = self._webhook_message(self._interaction(token), message_id)
                del self.messages[message.id]
                return web.Response(status=204)
            case "POST", ["channels", channel_id, "messages"]:
                if int(channel_id) in self.forbidden_channels:
                    raise _DiscordError(403, 50001, "Missing Access")
                message = self._new_message(int(channel_id), 0, None)
                message.update(body, files)
                return self._message_response(message)
            case "POST", ["users", "@me", "channels"]:
                recipient = int(body["recipient_id"])
                channel_id = self._dm_channels.setdefault(recipient, snowflake())
                return _json({"id": str(channel_id), "type": 1, "recipients": [user(recipient)]})
        self.unexpected.append(f"{method} /{'/'.join(parts)}")
        raise _DiscordError(404, 0, "404: Not Found (the fake has no such route)")

    def _callback(self, interaction: Interaction, body: dict[str, Any], files: list[Upload]) -> web.Response:
        if interaction.callbacks:
            raise _DiscordError(400, 40060, "Interaction has already been acknowledged.")
        interaction.callbacks.append(body)
        kind, data = body["type"], body.get("data") or {}
        message: Message | None = None
        if kind in (4, 5):  # a message, or a deferred one that shows "thinking" until edited
            channel_id = int(interaction.payload["channel_id"])
            message = interaction.original = self._new_message(channel_id, data.get("flags") or 0, interaction)
            message.update(data, files)
        elif kind == 6:  # the button's message, untouched until the bot edits or deletes it
            interaction.original = self.messages[int(interaction.payload["message"]["id"])]
        elif kind == 7:  # update the message the button is on
            message = self.messages[int(interaction.payload["message"]["id"])]
            message.update(data, files)
            interaction.original = message
        response: dict[str, Any] = {"interaction": {
            "id": str(interaction.id), "type": interaction.payload["type"],
            "response_message_id": str(message.id) if message else None,
            "response_message_loading": kind == 5, "response_message_ephemeral": bool(message and message.ephemeral),
        }}
        if message is not None:
            response["resource"] = {"type": kind, "message": message.payload(self.url)}
        return _json(response)

    def _interaction(self, token: str) -> Interaction:
        interaction = self._interactions.get(token)
        if interaction is None or not interaction.token_alive():
            raise _DiscordError(401, 50027, "Invalid Webhook Token")
        return interaction

    def _webhook_message(self, interaction: Interaction, message_id: str) -> Message:
        if message_id == "@original":
            message = interaction.original
        else:
            ours = [interaction.original, *interaction.followups]
            message = next((m for m in ours if m is not None and m.id == int(message_id)), None)
        if message is None:
            raise _DiscordError(404, 10008, "Unknown Message")
        return message

    def _new_message(self, channel_id: int, flags: int, interaction: Interaction | None) -> Message:
        message = Message(snowflake(), channel_id, flags, interaction.token if interaction else None, interaction)
        self.messages[message.id] = message
        return message

    def _message_response(self, message: Message) -> web.Response:
        return _json(message.payload(self.url))

    async def _read_body(self, request: web.Request) -> tuple[Any, list[Upload]]:
        if request.content_type == "multipart/form-data":
            form = await request.post()
            files = [Upload(snowflake(), part.filename, part.file.read())
                     for key, part in form.items() if key.startswith("files[")]
            return json.loads(form["payload_json"]), files
        if request.can_read_body:
            return await request.json(), []
        return None, []


def _check_token(request: web.Request, path: str) -> None:
    """Like Discord: the bot's own routes need its token; interaction callbacks and webhooks carry their own."""
    if path.startswith(("/interactions/", "/webhooks/")) and "Authorization" not in request.headers:
        return
    if request.headers.get("Authorization") != f"Bot {TOKEN}":
        raise _DiscordError(401, 0, "401: Unauthorized")


class _DiscordError(Exception):
    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class _Gateway:
    """One gateway connection: sequence numbers and the shared zlib stream discord.py asks for."""

    def __init__(self, socket: web.WebSocketResponse, compressor: Any) -> None:
        self.socket = socket
        self.shard: int | None = None  # known once it identified or resumed
        self._compressor = compressor
        self._sequence = itertools.count(1)

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        await self.send({"op": 0, "t": event, "s": next(self._sequence), "d": data})

    async def send(self, message: dict[str, Any]) -> None:
        encoded = json.dumps(message).encode()
        if self._compressor is None:
            await self.socket.send_str(encoded.decode())
        else:  # one compressor for the whole connection; each message ends with a sync flush (00 00 ff ff)
            await self.socket.send_bytes(self._compressor.compress(encoded) + self._compressor.flush(zlib.Z_SYNC_FLUSH))


def _json(data: Any, status: int = 200) -> web.Response:
    # discord.py decodes a body only when the content type is exactly application/json (no charset).
    return web.Response(body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json"})


def _application() -> dict[str, Any]:
    return {"id": str(APPLICATION_ID), "name": "memebot", "description": "", "icon": None, "bot_public": True,
            "bot_require_code_grant": False, "verify_key": "0" * 64, "owner": user(1), "flags": 0,
            "bot": BOT_USER, "interactions_endpoint_url": None}


def _guild() -> dict[str, Any]:
    return {"id": str(GUILD_ID), "name": "Meme Lab", "icon": None, "owner_id": "1", "features": [], "roles": [],
            "emojis": [], "stickers": [], "channels": [], "threads": [], "members": [], "voice_states": [],
            "presences": [], "member_count": 3, "premium_tier": 0, "large": False, "unavailable": False,
            "verification_level": 0, "default_message_notifications": 0, "explicit_content_filter": 0,
            "mfa_level": 0, "nsfw_level": 0, "preferred_locale": "en-US", "afk_timeout": 300,
            "system_channel_flags": 0, "joined_at": "2024-01-01T00:00:00+00:00"}
