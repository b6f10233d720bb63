"""The Discord adapter: slash commands, consent buttons, and job status edits turned into videos."""
from bot.adapters.discord.adapter import DiscordAdapter

__all__ = ["DiscordAdapter"]
