"""A fake Telegram Bot API server on 127.0.0.1: the methods memebot uses, every call recorded, every chat
kept as its members would see it (messages as edited, buttons, videos)."""
from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import json
import socket
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from aiohttp import web

TOKEN = "123456:TEST-TOKEN"
BOT = {
    "id": 999000,
    "is_bot": True,
    "first_name": "Memebot",
    "username": "memebot_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
TEXT_FIELDS = ("text", "caption")  # sent as they are; PTB sends every other field JSON-encoded
T = TypeVar("T")


class ApiError(Exception):
    """An error answer, as Telegram words it."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


@dataclass
class Call:
    method: str
    params: dict[str, Any]


@dataclass
class Person:
    """Someone in a chat, who sends messages and presses buttons through the fake."""

    api: FakeBotApi
    user: dict[str, Any]
    chat: dict[str, Any]

    @property
    def id(self) -> int:
        return self.user["id"]

    @property
    def chat_id(self) -> int:
        return self.chat["id"]

    def in_chat(self, chat: dict[str, Any]) -> Person:
        return Person(self.api, self.user, chat)

    def says(self, text: str, reply_to: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.api.user_message(self, reply_to, text=text, entities=_command_entities(text))

    def sends_photo(
        self,
        image: bytes,
        caption: str | None = None,
        reply_to: dict[str, Any] | None = None,
        claimed_size: int | None = None,
    ) -> dict[str, Any]:
        file = self.api.add_file(image, claimed_size)
        photo = [{**file, "width": 256, "height": 256}]
        return self.api.user_message(self, reply_to, photo=photo, **_caption(caption))

    def sends_file(self, data: bytes, mime_type: str, file_name: str, caption: str | None = None) -> dict[str, Any]:
        document = {**self.api.add_file(data), "mime_type": mime_type, "file_name": file_name}
        return self.api.user_message(self, None, document=document, **_caption(caption))

    def sends_video(self, data: bytes, caption: str | None = None) -> dict[str, Any]:
        video = {**self.api.add_file(data), "width": 384, "height": 384, "duration": 1, "mime_type": "video/mp4"}
        return self.api.user_message(self, None, video=video, **_caption(caption))

    def presses(self, message: dict[str, Any], button_text: str) -> None:
        self.api.press(self, message, button_text)

    async def sees(self, part: str, timeout: float = 30.0) -> dict[str, Any]:
        """The bot's message in this chat that shows `part`, as soon as there is one."""
        return await self.api.wait_for(lambda: self.api.bot_message_showing(self.chat_id, part), timeout, self.chat_id)


class FakeBotApi:
    """Answers PTB's requests like api.telegram.org would, from and into plain dicts."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.unknown_methods: list[str] = []
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}  # every message, as it looks now
        self.shown: dict[tuple[int, int], list[str]] = defaultdict(list)  # each text a bot message showed
        self.uploads: dict[str, bytes] = {}  # videos the bot sent, by file id
        self.chat_admins: set[tuple[int, int]] = set()  # (chat id, user id)
        self.failing: set[str] = set()  # methods that answer the next call with an internal error
        self._chats: dict[int, dict[str, Any]] = {}
        self._files: dict[str, tuple[bytes, int]] = {}
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count[int]] = defaultdict(lambda: itertools.count(1))
        self._file_ids = itertools.count(1)
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._closing = False
        self.url = ""

    async def start(self) -> None:
        app = web.Application(client_max_size=100 * 2**20)
        app.router.add_post("/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        listening = socket.create_server(("127.0.0.1", 0))  # a free port, picked by the OS
        await web.SockSite(self._runner, listening).start()
        self.url = f"http://127.0.0.1:{listening.getsockname()[1]}"

    async def stop(self) -> None:
        self._closing = True
        self._touch()  # ends a long poll still waiting, so the server need not wait for it
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def file_url(self) -> str:
        return f"{self.url}/file"

    # What the test does, as the people in the chats.

    def person(self, user_id: int, name: str, language_code: str | None = None) -> Person:
        """A user in their private chat with the bot, their Telegram app set to `language_code` if given."""
        user = {"id": user_id, "is_bot": False, "first_name": name}
        if language_code is not None:
            user["language_code"] = language_code
        return Person(self, user, self.chat(user_id, "private", first_name=name))

    def chat(self, chat_id: int, kind: str = "supergroup", **fields: Any) -> dict[str, Any]:
        self._chats[chat_id] = {"id": chat_id, "type": kind, **fields}
        return self._chats[chat_id]

    def add_file(self, data: bytes, claimed_size: int | None = None) -> dict[str, Any]:
        """A file on Telegram's servers (`claimed_size` pretends it is bigger); its description for a message."""
        file_id = f"file-{next(self._file_ids)}"
        size = claimed_size or len(data)
        self._files[file_id] = (data, size)
        return {"file_id": file_id, "file_unique_id": f"unique-{file_id}", "file_size": size}

    def user_message(self, sender: Person, reply_to: dict[str, Any] | None, **content: Any) -> dict[str, Any]:
        message = self._new_message(sender.chat_id, sender.user, reply_to, content)
        self._push({"message": message})
        return message

    def press(self, presser: Person, message: dict[str, Any], button_text: str) -> None:
        current = self.messages[(message["chat"]["id"], message["message_id"])]
        rows = current.get("reply_markup", {}).get("inline_keyboard", [])
        buttons = [button for row in rows for button in row if button["text"] == button_text]
        assert buttons, f"no button {button_text!r} on {current.get('text')!r}"
        self._push({"callback_query": {
            "id": f"query-{time.monotonic_ns()}",
            "from": presser.user,
            "message": copy.deepcopy(current),
            "chat_instance": str(presser.chat_id),
            "data": buttons[0]["callback_data"],
        }})

    # What the test looks at.

    def answers(self) -> list[str]:
        """The texts the bot answered button presses with (the pop-ups people see)."""
        return [call.params["text"] for call in self.calls_to("answerCallbackQuery") if call.params.get("text")]

    def bot_messages(self, chat_id: int) -> list[dict[str, Any]]:
        return [m for (chat, _), m in self.messages.items() if chat == chat_id and m["from"]["id"] == BOT["id"]]

    def bot_message_showing(self, chat_id: int, part: str) -> dict[str, Any] | None:
        for message in self.bot_messages(chat_id):
            if part in (message.get("text") or message.get("caption") or ""):
                return message
        return None

    def history(self, message: dict[str, Any]) -> list[str]:
        """Every text the bot's message showed, first to last."""
        return self.shown[(message["chat"]["id"], message["message_id"])]

    def animations(self, chat_id: int) -> list[dict[str, Any]]:
        return [message for message in self.bot_messages(chat_id) if "animation" in message]

    def videos(self, chat_id: int) -> list[dict[str, Any]]:
        return [message for message in self.bot_messages(chat_id) if "video" in message]

    def calls_to(self, method: str, chat_id: int | None = None) -> list[Call]:
        return [c for c in self.calls if c.method == method and chat_id in (None, c.params.get("chat_id"))]

    def buttons(self, message: dict[str, Any]) -> list[str]:
        current = self.messages[(message["chat"]["id"], message["message_id"])]
        return [b["text"] for row in current.get("reply_markup", {}).get("inline_keyboard", []) for b in row]

    async def wait_for(self, condition: Callable[[], T | None], timeout: float = 30.0, chat_id: int | None = None) -> T:
        """The condition's value once it is true; it is checked after every call the bot makes."""
        if value := await self._until(condition, timeout):
            return value
        seen = [m.get("text") or m.get("caption") for m in self.bot_messages(chat_id)] if chat_id else []
        raise AssertionError(f"timed out after {timeout} s; the bot's messages there: {seen}")

    async def _until(self, condition: Callable[[], T | None], timeout: float) -> T | None:
        deadline = time.monotonic() + timeout
        while not (value := condition()):
            changed = self._changed
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)
        return value

    # The server side.

    async def _handle_method(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != TOKEN:
            return _error(ApiError(401, "Unauthorized"))
        method = request.match_info["method"]
        params = await _params(request)
        self.calls.append(Call(method, params))
        try:
            if method in self.failing:
                self.failing.discard(method)
                raise ApiError(500, "Internal Server Error")
            answer = getattr(self, f"_{method}", None)
            if answer is None:
                self.unknown_methods.append(method)
                raise ApiError(404, "Not Found")
            if method == "getUpdates":
                result = await answer(params)
            else:
                result = answer(params)
        except ApiError as error:
            return _error(error)
        finally:
            self._touch()
        return web.json_response({"ok": True, "result": result})

    async def _handle_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != TOKEN:
            raise web.HTTPUnauthorized()
        data, _ = self._files[request.match_info["path"].removeprefix("fake-files/")]
        return web.Response(body=data)

    async def _getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        # Updates before the offset were confirmed by the bot: Telegram forgets them.
        self._updates = [update for update in self._updates if update["update_id"] >= params.get("offset", 0)]
        if params.get("timeout"):
            await self._until(lambda: self._updates or self._closing, params["timeout"])  # long polling
        return self._updates[: params.get("limit", 100)]

    def _getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return BOT

    def _deleteWebhook(self, params: dict[str, Any]) -> bool:
        return True

    def _setMyCommands(self, params: dict[str, Any]) -> bool:
        return True

    def _setMyDescription(self, params: dict[str, Any]) -> bool:
        return True

    def _setMyShortDescription(self, params: dict[str, Any]) -> bool:
        return True

    def _answerCallbackQuery(self, params: dict[str, Any]) -> bool:
        return True

    def _sendChatAction(self, params: dict[str, Any]) -> bool:
        self._chat(params["chat_id"])
        return True

    def _sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        content = {"text": params["text"]} | _markup(params)
        return self._bot_message(params, content)

    def _sendVideo(self, params: dict[str, Any]) -> dict[str, Any]:
        data = params["video"]
        assert isinstance(data, bytes), "the video is uploaded, not referenced"
        file = self.add_file(data)
        self.uploads[file["file_id"]] = data
        content = {"video": {**file, "width": 0, "height": 0, "duration": 0}}
        if "caption" in params:
            content["caption"] = params["caption"]
        return self._bot_message(params, content | _markup(params))

    def _sendAnimation(self, params: dict[str, Any]) -> dict[str, Any]:
        data = params["animation"]
        assert isinstance(data, bytes), "the preview is uploaded, not referenced"
        file = self.add_file(data)
        self.uploads[file["file_id"]] = data
        content = {"animation": {**file, "width": 0, "height": 0, "duration": 0}, "caption": params.get("caption", "")}
        return self._bot_message(params, content)

    def _editMessageReplyMarkup(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._existing(params)
        message.pop("reply_markup", None)
        message.update(_markup(params))
        return message

    def _deleteMessage(self, params: dict[str, Any]) -> bool:
        message = self.messages.get((params["chat_id"], params["message_id"]))
        if message is None:
            raise ApiError(400, "Bad Request: message to delete not found")
        del self.messages[(params["chat_id"], params["message_id"])]
        return True

    def _editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._existing(params)
        content = {"text": params["text"]} | _markup(params)  # without reply_markup, the buttons go
        if message.get("text") == content["text"] and message.get("reply_markup") == content.get("reply_markup"):
            raise ApiError(400, "Bad Request: message is not modified: specified new message content and reply "
                                "markup are exactly the same as a current content and reply markup of the message")
        message.pop("reply_markup", None)
        message.update(content)
        self.shown[(message["chat"]["id"], message["message_id"])].append(content["text"])
        return message

    def _getFile(self, params: dict[str, Any]) -> dict[str, Any]:
        if params["file_id"] not in self._files:
            raise ApiError(400, "Bad Request: invalid file_id")
        _, size = self._files[params["file_id"]]
        if size > 20 * 1000 * 1000:
            raise ApiError(400, "Bad Request: file is too big")
        file_id = params["file_id"]
        return {"file_id": file_id, "file_unique_id": f"unique-{file_id}", "file_size": size,
                "file_path": f"fake-files/{file_id}"}

    def _getChatMember(self, params: dict[str, Any]) -> dict[str, Any]:
        user = {"id": params["user_id"], "is_bot": False, "first_name": "someone"}
        if (params["chat_id"], params["user_id"]) in self.chat_admins:
            return {"status": "creator", "user": user, "is_anonymous": False}
        return {"status": "member", "user": user}

    # Messages.

    def _chat(self, chat_id: int) -> dict[str, Any]:
        if chat_id not in self._chats:
            raise ApiError(400, "Bad Request: chat not found")
        return self._chats[chat_id]

    def _existing(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self.messages.get((params["chat_id"], params["message_id"]))
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        return message

    def _bot_message(self, params: dict[str, Any], content: dict[str, Any]) -> dict[str, Any]:
        chat_id = params["chat_id"]
        self._chat(chat_id)
        reply = params.get("reply_parameters")
        replied = self.messages.get((chat_id, reply["message_id"])) if reply else None
        if reply and replied is None and not reply.get("allow_sending_without_reply"):
            raise ApiError(400, "Bad Request: message to be replied not found")
        message = self._new_message(chat_id, BOT, replied, content)
        if "text" in content:
            self.shown[(chat_id, message["message_id"])].append(content["text"])
        return message

    def _new_message(
        self, chat_id: int, sender: dict[str, Any], reply_to: dict[str, Any] | None, content: dict[str, Any]
    ) -> dict[str, Any]:
        message = {
            "message_id": next(self._message_ids[chat_id]),
            "date": int(time.time()),
            "chat": self._chats[chat_id],
            "from": sender,
            **content,
        }
        if reply_to is not None:
            message["reply_to_message"] = {k: v for k, v in reply_to.items() if k != "reply_to_message"}
        self.messages[(chat_id, message["message_id"])] = message
        return message

    def _push(self, update: dict[str, Any]) -> None:
        self._updates.append({"update_id": next(self._update_ids), **update})
        self._touch()

    def _touch(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()


async def _params(request: web.Request) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if request.content_type == "application/json":
        return await request.json()
    for name, value in (await request.post()).items():
        if isinstance(value, web.FileField):
            params[name] = value.file.read()
        elif name in TEXT_FIELDS:
            params[name] = value
        else:
            try:
                params[name] = json.loads(value)
            except ValueError:
                params[name] = value
    return params


def _markup(params: dict[str, Any]) -> dict[str, Any]:
    return {"reply_markup": params["reply_markup"]} if "reply_markup" in params else {}


def _command_entities(text: str | None) -> list[dict[str, Any]]:
    if not text or not text.startswith("/"):
        return []
    return [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]


def _caption(caption: str | None) -> dict[str, Any]:
    if caption is None:
        return {}
    return {"caption": caption, "caption_entities": _command_entities(caption)}


def _error(error: ApiError) -> web.Response:
    return web.json_response(
        {"ok": False, "error_code": error.code, "description": error.description}, status=error.code
    )
