"""The happy path with the real renderer: queue, progress, video, photo gone, delivery acknowledged, cache."""
import asyncio

import cv2
import numpy as np

from sqlalchemy import select

from bot.queue import Finished, Progress, Queued, Started
from bot.service import CachedRender, QueuedRender
from bot.store.models import Job, JobState
from tests.bot.conftest import ALICE, BOB, GROUP, consenting, follow


async def test_a_photo_becomes_a_video_and_is_then_deleted(running_service, photo):
    service = await running_service(photo_keep_minutes=0)  # not kept for another song
    await consenting(service, ALICE)
    reply_to = {"chat_id": -100500, "message_id": 7}
    ticket = await service.renders.request(ALICE, GROUP, "demo", photo(), reply_to=reply_to)
    assert isinstance(ticket, QueuedRender) and ticket.position in (0, 1)

    events = await follow(service, ticket.job_id)
    assert isinstance(events[0], Queued | Started)
    assert any(isinstance(event, Started) for event in events)
    progress = [event for event in events if isinstance(event, Progress)]
    assert progress and progress[-1].done == progress[-1].total
    finished = events[-1]
    assert isinstance(finished, Finished)
    assert finished.output.is_file() and finished.output.stat().st_size > 0
    assert not list(service.settings.photos_dir.iterdir())  # the photo went with the render

    async with service.db.transaction() as session:
        job = await session.get(Job, ticket.job_id)
    assert (job.state, job.photo_path, job.attempts) == (JobState.DONE, None, 1)
    assert len(job.photo_sha256) == 64 and len(job.face) == 5

    pending = await service.renders.undelivered("telegram")
    assert [(delivery.job_id, delivery.reply_to) for delivery in pending] == [(ticket.job_id, reply_to)]
    assert await service.renders.mark_delivered(ticket.job_id)
    assert not await service.renders.mark_delivered(ticket.job_id)
    assert await service.renders.undelivered("telegram") == []


async def test_the_same_face_and_song_again_reuses_the_video_at_no_cost(running_service, photo, other_face_png):
    service = await running_service(max_jobs_in_flight=2, photo_keep_minutes=0)
    await consenting(service, ALICE, BOB)
    first = await service.renders.request(ALICE, GROUP, "demo", photo())
    finished = (await follow(service, first.job_id))[-1]
    assert isinstance(finished, Finished)

    again = await service.renders.request(BOB, GROUP, "demo", photo())
    assert again == CachedRender(finished.output, first.job_id)
    assert (await service.renders.usage(BOB, GROUP)).used == 0
    assert not list(service.settings.photos_dir.iterdir())
    async with service.db.transaction() as session:
        assert len((await session.scalars(select(Job))).all()) == 1  # nothing was rendered

    someone_else = await service.renders.request(BOB, GROUP, "demo", photo(other_face_png))
    assert isinstance(someone_else, QueuedRender)


async def test_shutdown_lets_a_running_render_finish(running_service, photo):
    service = await running_service(shutdown_grace_seconds=120.0)
    await consenting(service, ALICE)
    ticket = await service.renders.request(ALICE, GROUP, "demo", photo())
    async for event in service.queue.subscribe(ticket.job_id):
        if isinstance(event, Started):
            break
    listener = asyncio.create_task(follow(service, ticket.job_id))
    await asyncio.sleep(0)  # let it subscribe before the queue begins to stop
    await service.queue.stop()
    assert isinstance((await listener)[-1], Finished)


async def test_the_same_face_in_another_photo_never_gets_the_first_photos_video(running_service, photo, face_png):
    """A's photo shows a note beside the face; B's has the very same face crop on a blank background."""
    face = cv2.imdecode(np.frombuffer(face_png, np.uint8), cv2.IMREAD_COLOR)
    blank = np.full((face.shape[0], face.shape[1] * 3, 3), 255, np.uint8)
    blank[:, : face.shape[1]] = face
    with_note = blank.copy()
    cv2.putText(with_note, "12 Private Road", (face.shape[1] * 2, 128), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (0, 0, 0), 2)
    service = await running_service(max_jobs_in_flight=2)
    await consenting(service, ALICE, BOB)
    first = await service.renders.request(ALICE, GROUP, "demo", photo(_png(with_note)))
    assert isinstance((await follow(service, first.job_id))[-1], Finished)

    second = await service.renders.request(BOB, GROUP, "demo", photo(_png(blank)))
    assert isinstance(second, QueuedRender)  # rendered from B's own photo, charged to B
    assert (await service.renders.usage(BOB, GROUP)).used == 1


def _png(image: np.ndarray) -> bytes:
    ok, encoded = cv2.imencode(".png", image)
    assert ok
    return encoded.tobytes()


async def test_a_video_made_under_another_label_is_not_reused(running_service, parked_service, photo):
    service = await running_service(label="AI-generated")
    await consenting(service, ALICE, BOB)
    first = await service.renders.request(ALICE, GROUP, "demo", photo())
    assert isinstance((await follow(service, first.job_id))[-1], Finished)
    assert isinstance(await service.renders.request(BOB, GROUP, "demo", photo()), CachedRender)

    relabelled = await parked_service(label="Made by a machine")  # the same data folder and database
    assert isinstance(await relabelled.renders.request(BOB, GROUP, "demo", photo()), QueuedRender)
