"""The bot's rules, shared by every adapter: consent, quotas, privacy, cache, admin."""
from bot.service.admin import AddedTemplate
from bot.service.errors import (
    BadPhoto,
    Banned,
    ChatDisabled,
    ChatQuotaExceeded,
    ConsentRequired,
    NotAllowed,
    PhotoExpired,
    PhotoTooLarge,
    QuotaExceeded,
    TooManyJobs,
    UnknownTemplate,
    UserFacingError,
)
from bot.service.identity import ChatRef, UserRef
from bot.service.quota import Usage
from bot.service.renders import CachedRender, PendingDelivery, QueuedRender
from bot.service.reports import REASONS as REPORT_REASONS
from bot.service.service import MemeService
from bot.service.templates import TemplateInfo

__all__ = [
    "AddedTemplate",
    "BadPhoto",
    "Banned",
    "CachedRender",
    "ChatDisabled",
    "ChatQuotaExceeded",
    "ChatRef",
    "ConsentRequired",
    "MemeService",
    "NotAllowed",
    "PendingDelivery",
    "PhotoExpired",
    "PhotoTooLarge",
    "QueuedRender",
    "QuotaExceeded",
    "REPORT_REASONS",
    "TemplateInfo",
    "TooManyJobs",
    "UnknownTemplate",
    "Usage",
    "UserFacingError",
    "UserRef",
]
