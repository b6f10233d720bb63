"""Requests that are refused before anything is queued say why, and keep no photo."""
import cv2
import numpy as np
import pytest

from bot.service import BadPhoto, UnknownTemplate
from tests.bot.conftest import ALICE, GROUP, consenting


async def test_an_unknown_template_is_refused_with_the_choices(parked_service, photo):
    service = await parked_service()
    await consenting(service, ALICE)
    with pytest.raises(UnknownTemplate) as refusal:
        await service.renders.request(ALICE, GROUP, "never-gonna", photo())
    assert refusal.value.message == "I don't know a song called 'never-gonna'. You can pick: demo."


async def test_a_file_that_is_no_photo_is_refused_and_deleted(parked_service, photo):
    service = await parked_service()
    await consenting(service, ALICE)
    with pytest.raises(BadPhoto, match="not an image"):
        await service.renders.request(ALICE, GROUP, "demo", photo(b"%PDF-1.7 not a photo"))
    assert not list(service.settings.photos_dir.iterdir())
    assert (await service.renders.usage(ALICE, GROUP)).used == 0


async def test_a_photo_over_the_size_limit_is_refused(parked_service, photo):
    service = await parked_service(max_photo_bytes=1000)
    await consenting(service, ALICE)
    with pytest.raises(BadPhoto, match=r"under 0\.001 MB"):
        await service.renders.request(ALICE, GROUP, "demo", photo())


async def test_the_catalogue_lists_the_templates_the_renderers_can_find(parked_service):
    service = await parked_service()
    (demo,) = [t for t in await service.templates.list() if t.slug == "demo"]
    assert (demo.title, demo.duration_seconds) == ("Demo Song (synthesised)", 7.2)
    assert demo.preview_image.is_file() and demo.preview_video.is_file()


async def test_a_photo_without_a_face_is_refused_with_the_renderers_reason(parked_service, photo):
    service = await parked_service()
    await consenting(service, ALICE)
    _, blank = cv2.imencode(".png", np.full((256, 256, 3), 255, np.uint8))
    with pytest.raises(BadPhoto) as refusal:
        await service.renders.request(ALICE, GROUP, "demo", photo(blank.tobytes()))
    assert "face" in refusal.value.message
    assert not list(service.settings.photos_dir.iterdir())
