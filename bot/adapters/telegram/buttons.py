"""Inline keyboards, and the callback data of their buttons: each names the one user who may press it."""
from __future__ import annotations

import re

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup

from bot.adapters.messages import NOT_YOUR_BUTTONS
from bot.service import TemplateInfo

# Telegram allows 64 bytes of callback data: short prefixes leave room for a user id and a 40-letter slug.
PICK_SONG = re.compile(r"^p:(\d+):([a-z0-9-]+)$")
ANSWER_CONSENT = re.compile(r"^c:(\d+):([a-z0-9-]+):([yn])$")
CONFIRM_FORGET = re.compile(r"^f:(\d+):([yn])$")


def songs_keyboard(owner: int, templates: list[TemplateInfo]) -> InlineKeyboardMarkup:
    """One button per song."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(template.title, callback_data=f"p:{owner}:{template.slug}")] for template in templates]
    )


def consent_keyboard(owner: int, slug: str) -> InlineKeyboardMarkup:
    """Accept or Decline the consent statement, remembering the song picked."""
    return InlineKeyboardMarkup([[
        InlineKeyboardButton("✅ I accept", callback_data=f"c:{owner}:{slug}:y"),
        InlineKeyboardButton("✖️ Decline", callback_data=f"c:{owner}:{slug}:n"),
    ]])


def forget_keyboard(owner: int) -> InlineKeyboardMarkup:
    """Confirm or call off forgetting the user."""
    return InlineKeyboardMarkup([[
        InlineKeyboardButton("🗑 Yes, forget me", callback_data=f"f:{owner}:y"),
        InlineKeyboardButton("Keep it", callback_data=f"f:{owner}:n"),
    ]])


async def pressed_by_owner(query: CallbackQuery, owner: str) -> bool:
    """Answer the button press; False (with a notice to the presser) if someone else's buttons were pressed."""
    if str(query.from_user.id) != owner:
        await query.answer(NOT_YOUR_BUTTONS, show_alert=True)
        return False
    await query.answer()
    return True
