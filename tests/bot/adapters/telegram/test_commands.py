"""Everyone's commands: help, songs, quota, privacy, forget-me, cancel; and hints when a photo is missing."""
import pytest

from bot.adapters.messages import FORGET_ME_QUESTION, FORGOTTEN, NOTHING_FORGOTTEN
from tests.bot.adapters.telegram.conftest import ADMIN_ID, DEMO_TITLE, user_ref

pytestmark = pytest.mark.asyncio(loop_scope="package")


async def test_help_shows_admin_commands_to_admins_only(telegram):
    rita, admin = telegram.person("Rita"), telegram.admin()
    rita.says("/start")
    welcome = await rita.sees("Send me a face photo and pick a song")
    assert welcome["text"] == (
        "Send me a face photo and pick a song: I'll make that face sing it.\n"
        "• /sing NAME with a photo — sing a song\n"
        "• /templates — the songs you can pick\n"
        "• /quota — how many videos you have left today\n"
        "• /cancel — drop a video still waiting in line\n"
        "• /privacy — what I keep and for how long\n"
        "• /forgetme — delete everything I have about you\n"
        'Only use photos of yourself, or of people who agreed. Every video is labelled "AI-generated".\n'
        "In groups, send the photo with the caption /sing NAME, or reply to a photo with it. "
        "Group admins can switch me /off and /on there."
    )
    admin.says("/help")
    help_text = await admin.sees("Admin commands")
    assert '/addtemplate NAME ["TITLE"] [START] [END]' in help_text["text"]
    menus = {(call.params.get("scope") or {}).get("type", "default"): call.params
             for call in telegram.api.calls_to("setMyCommands")}
    everyone = {c["command"] for c in menus["default"]["commands"]}
    assert {"sing", "templates", "quota", "privacy", "forgetme", "help", "report"} <= everyone
    assert not everyone & {"addtemplate", "ban", "on", "off"}  # admin commands only in admins' menus
    assert {c["command"] for c in menus["all_chat_administrators"]["commands"]} == everyone | {"on", "off"}
    bot_admin = menus["chat"]
    assert bot_admin["scope"]["chat_id"] == ADMIN_ID
    assert {c["command"] for c in bot_admin["commands"]} == everyone | {
        "addtemplate", "removetemplate", "ban", "unban", "setlimit"}
    [description] = telegram.api.calls_to("setMyDescription")
    assert "make that face sing" in description.params["description"]
    [short] = telegram.api.calls_to("setMyShortDescription")
    assert "AI-generated" in short.params["short_description"]


async def test_templates_quota_and_privacy(telegram):
    sam = telegram.person("Sam")
    sam.says("/templates")
    await sam.sees(f"• demo — {DEMO_TITLE} (7 s)")
    sam.says("/quota")
    await sam.sees("Today you made 0 of 5 videos; this chat made 0 of 30.")
    sam.says("/privacy")
    await sam.sees("What I keep about you:")


async def test_forget_me_asks_first_then_forgets(telegram):
    tina = telegram.person("Tina")
    await telegram.consenting(tina)
    tina.says("/forgetme")
    question = await tina.sees(FORGET_ME_QUESTION)
    tina.presses(question, "Keep it")
    await tina.sees(NOTHING_FORGOTTEN)
    assert not await telegram.service.consent.needs_consent(user_ref(tina))

    tina.says("/forgetme")
    question = await tina.api.wait_for(lambda: [m for m in tina.api.bot_messages(tina.chat_id) if "reply_markup" in m])
    tina.presses(question[0], "🗑 Yes, forget me")
    await tina.sees(FORGOTTEN)
    assert await telegram.service.consent.needs_consent(user_ref(tina))


async def test_cancel_with_nothing_waiting(telegram):
    uma = telegram.person("Uma")
    uma.says("/cancel")
    await uma.sees("You have no video on the way here.")


async def test_a_missing_photo_gets_a_hint(telegram):
    victor = telegram.person("Victor")
    victor.says("hello bot")
    await victor.sees("Send me a face photo and I'll offer you songs")
    group_member = telegram.person("Wanda").in_chat(telegram.group())
    group_member.says("/sing demo")
    await group_member.sees("Send a face photo with the caption /sing NAME, or reply to a photo with /sing NAME.")
