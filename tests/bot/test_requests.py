"""Requests that are refused before anything is queued say why, and keep no photo."""
import cv2
import numpy as np
import pytest

from bot.service import BadPhoto, QueuedRender, UnknownTemplate
from synth.face import CONDUCTOR, SINGER, draw_face
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


def _side_by_side(left: np.ndarray, right: np.ndarray) -> bytes:
    """Two faces in one photo, bottom-aligned on white."""
    height = max(left.shape[0], right.shape[0])
    canvas = np.full((height, left.shape[1] + right.shape[1], 3), 255, np.uint8)
    canvas[height - left.shape[0]:, : left.shape[1]] = left
    canvas[height - right.shape[0]:, left.shape[1]:] = right
    ok, encoded = cv2.imencode(".png", canvas[..., ::-1])
    assert ok
    return encoded.tobytes()


async def test_two_faces_of_similar_size_are_refused_a_face_in_the_background_is_not(parked_service, photo):
    service = await parked_service(max_jobs_in_flight=2)
    await consenting(service, ALICE)
    singer, conductor = draw_face(SINGER, height=256, width=256), draw_face(CONDUCTOR, height=256, width=256)
    with pytest.raises(BadPhoto) as refusal:
        await service.renders.request(ALICE, GROUP, "demo", photo(_side_by_side(singer, conductor)))
    assert refusal.value.message == (
        "I see 2 faces of similar size in that photo and can animate only one. "
        "Please send a photo where the face to animate is the largest, or crop it."
    )
    small_conductor = draw_face(CONDUCTOR, height=128, width=128)  # half the size: someone in the background
    queued = await service.renders.request(ALICE, GROUP, "demo", photo(_side_by_side(singer, small_conductor)))
    assert isinstance(queued, QueuedRender)
