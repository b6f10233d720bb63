"""The Telegram adapter: Telegram updates become MemeService calls, job events become messages and videos."""
from bot.adapters.telegram.adapter import TelegramAdapter

__all__ = ["TelegramAdapter"]
