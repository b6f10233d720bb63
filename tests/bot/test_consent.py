"""Consent is asked before the first render, recorded per version, and can be withdrawn."""
import pytest

from bot.service import ConsentRequired, QueuedRender
from tests.bot.conftest import ALICE, GROUP


async def test_a_new_user_is_shown_the_statement_before_any_render(parked_service, photo):
    service = await parked_service()
    assert await service.consent.needs_consent(ALICE)
    with pytest.raises(ConsentRequired) as refusal:
        await service.renders.request(ALICE, GROUP, "demo", photo())
    statement = refusal.value.message
    assert "permission" in statement and "harass" in statement and "sexualise" in statement
    assert '"AI-generated"' in statement and "version 2" in statement
    assert not list(service.settings.photos_dir.iterdir())  # the refused photo is not kept


async def test_accepting_lets_the_user_render_and_withdrawing_asks_again(parked_service, photo):
    service = await parked_service()
    await service.consent.accept(ALICE)
    assert not await service.consent.needs_consent(ALICE)
    assert isinstance(await service.renders.request(ALICE, GROUP, "demo", photo()), QueuedRender)
    await service.consent.withdraw(ALICE)
    assert await service.consent.needs_consent(ALICE)
    with pytest.raises(ConsentRequired):
        await service.renders.request(ALICE, GROUP, "demo", photo())


async def test_a_new_statement_version_asks_everyone_again(parked_service):
    first = await parked_service(consent_version="1")
    await first.consent.accept(ALICE)
    second = await parked_service(consent_version="2")  # same database, new statement
    assert await second.consent.needs_consent(ALICE)
    assert "version 2" in second.consent.statement()
    await second.consent.accept(ALICE)
    assert not await second.consent.needs_consent(ALICE)
