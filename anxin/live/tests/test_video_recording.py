"""The visit's recording: consent first, chunks appended at the right offset (resumable), a size limit,
decoded and hashed on finish, the hash on the timeline, and watched later only by those who see the order."""

from __future__ import annotations

import hashlib

import pytest
from django.test import Client

from anxin.accounts.choices import Role
from anxin.accounts.models import User
from anxin.customers.models import Customer
from anxin.live.models import VideoConsent, VideoRecording
from anxin.live.tests.factories import webm_bytes
from anxin.live.tests.helpers import arrive_with_code
from anxin.workorders.choices import Event, Status
from anxin.workorders.models import WorkOrder, WorkOrderEvent


@pytest.fixture
def on_site(en_route_order):
    order = arrive_with_code(order=en_route_order)
    owner = User.objects.create_user(username="cust", role=Role.CUSTOMER)
    Customer.objects.filter(pk=order.customer_id).update(user=owner)
    order.refresh_from_db()
    return order, owner


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _consent(order: WorkOrder, owner: User, granted: bool = True) -> None:
    response = _client(owner).post(
        f"/live/orders/{order.number}/video/consent/", {"granted": "1" if granted else "0"}
    )
    assert response.status_code == 302


def _start(client: Client, order: WorkOrder):
    return client.post(f"/live/orders/{order.number}/recordings/")


def _patch(client: Client, order: WorkOrder, recording_id: int, offset: int, data: bytes):
    return client.patch(
        f"/live/orders/{order.number}/recordings/{recording_id}/",
        data,
        content_type="application/offset+octet-stream",
        headers={"Upload-Offset": str(offset)},
    )


# --- consent -----------------------------------------------------------------------------------------


def test_the_customers_consent_is_stored_with_who_when_and_how(on_site):
    order, owner = on_site
    _consent(order, owner)
    answer = VideoConsent.objects.get(order=order)
    assert (
        answer.granted
        and answer.actor == owner
        and answer.via == VideoConsent.Via.LOGIN
        and answer.decided_at
    )


def test_consent_is_given_in_advance_through_the_tracking_link(en_route_order):
    response = Client().post(
        f"/live/orders/{en_route_order.number}/video/consent/",
        {"granted": "1", "t": en_route_order.tracking_token},
    )
    assert response.status_code == 302
    answer = VideoConsent.objects.get(order=en_route_order)
    assert answer.granted and answer.actor is None and answer.via == VideoConsent.Via.TRACKING_LINK


def test_staff_cannot_consent_for_the_customer_and_a_wrong_token_cannot_either(on_site, dispatcher):
    order, _ = on_site
    url = f"/live/orders/{order.number}/video/consent/"
    assert _client(dispatcher).post(url, {"granted": "1"}).status_code == 403
    assert Client().post(url, {"granted": "1", "t": "wrong"}).status_code == 404
    assert not VideoConsent.objects.exists()


def test_a_consent_answer_must_be_yes_or_no(on_site):
    order, owner = on_site
    response = _client(owner).post(f"/live/orders/{order.number}/video/consent/", {"granted": "maybe"})
    assert response.status_code == 422 and not VideoConsent.objects.exists()


def test_without_consent_the_technician_streams_but_cannot_record(on_site, technician):
    order, owner = on_site
    response = _start(_client(technician.user), order)
    assert response.status_code == 409 and response.json()["error"] == "consent_required"
    _consent(order, owner, granted=False)  # a "no" is a no
    assert _start(_client(technician.user), order).json()["field"] == "consent"
    _consent(order, owner, granted=True)  # the latest answer counts
    assert _start(_client(technician.user), order).status_code == 200


def test_the_technicians_page_shows_whether_the_customer_consented(on_site, technician):
    order, owner = on_site
    page = _client(technician.user).get(f"/live/orders/{order.number}/video/").content.decode()
    assert 'data-consent="0"' in page and 'data-video-role="publisher"' in page
    _consent(order, owner)
    page = _client(technician.user).get(f"/live/orders/{order.number}/video/").content.decode()
    assert 'data-consent="1"' in page


# --- upload ------------------------------------------------------------------------------------------


@pytest.fixture
def recording(on_site, technician):
    order, owner = on_site
    _consent(order, owner)
    response = _start(_client(technician.user), order)
    return order, response.json()["id"]


def test_chunks_are_appended_in_order_and_a_resumed_upload_asks_where_to_go_on(recording, technician):
    order, rid = recording
    client, data = _client(technician.user), webm_bytes()
    assert _patch(client, order, rid, 0, data[:300]).json() == {"offset": 300}
    # The connection dropped after the server got the chunk: the phone sends it again, is told 300
    repeat = _patch(client, order, rid, 0, data[:300])
    assert (
        repeat.status_code == 409 and repeat["Upload-Offset"] == "300" and repeat.json()["field"] == "offset"
    )
    assert client.get(f"/live/orders/{order.number}/recordings/{rid}/").json() == {"offset": 300}
    assert _patch(client, order, rid, 300, data[300:]).json() == {"offset": len(data)}
    assert VideoRecording.objects.get(pk=rid).size == len(data)


def test_a_recording_larger_than_the_limit_is_refused(recording, technician, settings):
    order, rid = recording
    settings.ANXIN_LIVE_RECORDING_MAX_BYTES = 500
    client, data = _client(technician.user), webm_bytes()
    assert _patch(client, order, rid, 0, data[:400]).status_code == 200
    refused = _patch(client, order, rid, 400, data[400:])
    assert refused.status_code == 413 and refused.json()["field"] == "file"
    assert VideoRecording.objects.get(pk=rid).size == 400  # what was kept stays


def test_a_file_that_is_not_webm_is_refused_at_the_first_chunk(recording, technician):
    order, rid = recording
    refused = _patch(_client(technician.user), order, rid, 0, b"GIF89a....")
    assert refused.status_code == 422 and refused.json()["field"] == "file"


def test_finishing_decodes_hashes_and_puts_the_hash_on_the_timeline(recording, technician):
    order, rid = recording
    client, data = _client(technician.user), webm_bytes(frames=20, rate=10)
    _patch(client, order, rid, 0, data)
    done = client.post(f"/live/orders/{order.number}/recordings/{rid}/finish/").json()
    assert done["sha256"] == hashlib.sha256(data).hexdigest()
    assert done["frames"] == 20 and 1.5 <= done["duration_s"] <= 2.0
    kept = VideoRecording.objects.get(pk=rid)
    assert kept.state == VideoRecording.State.COMPLETE and kept.file.read() == data
    event = WorkOrderEvent.objects.get(order=order, event=Event.VIDEO_RECORDED)
    assert kept.sha256 in event.note and event.actor == technician.user
    # finishing twice (a retried request) keeps the one recording and the one timeline row
    assert (
        client.post(f"/live/orders/{order.number}/recordings/{rid}/finish/").json()["sha256"] == kept.sha256
    )
    assert WorkOrderEvent.objects.filter(event=Event.VIDEO_RECORDED).count() == 1
    assert _patch(client, order, rid, len(data), data).status_code == 409  # closed for appends


def test_a_recording_that_does_not_decode_is_refused_and_dropped(recording, technician):
    order, rid = recording
    client = _client(technician.user)
    _patch(client, order, rid, 0, webm_bytes()[:60])  # a header and nothing playable
    refused = client.post(f"/live/orders/{order.number}/recordings/{rid}/finish/")
    assert refused.status_code == 422 and refused.json()["field"] == "file"
    assert VideoRecording.objects.get(pk=rid).state == VideoRecording.State.REFUSED
    assert not WorkOrderEvent.objects.filter(event=Event.VIDEO_RECORDED).exists()


def test_only_the_orders_technician_uploads(recording, other_technician, dispatcher):
    order, rid = recording
    on_site_owner = User.objects.get(username="cust")
    assert _patch(_client(other_technician.user), order, rid, 0, b"\x1a\x45\xdf\xa3").status_code == 404
    assert _patch(_client(on_site_owner), order, rid, 0, b"\x1a\x45\xdf\xa3").status_code == 403
    assert _patch(_client(dispatcher), order, rid, 0, b"\x1a\x45\xdf\xa3").status_code == 403
    assert _patch(Client(), order, rid, 0, b"\x1a\x45\xdf\xa3").status_code == 403


def test_no_recording_before_arrival(en_route_order, technician):
    VideoConsent.objects.create(
        order=en_route_order, granted=True, via="tracking_link", decided_at=en_route_order.created_at
    )
    refused = _start(_client(technician.user), en_route_order)
    assert refused.status_code == 409 and refused.json()["error"] == "not_on_site"


# --- watching it later -------------------------------------------------------------------------------


@pytest.fixture
def kept(recording, technician):
    order, rid = recording
    client, data = _client(technician.user), webm_bytes()
    _patch(client, order, rid, 0, data)
    client.post(f"/live/orders/{order.number}/recordings/{rid}/finish/")
    WorkOrder.objects.filter(pk=order.pk).update(status=Status.COMPLETED)
    return order, rid, data


# The test client is WSGI: it consumes the async file iterator (made for ASGI) synchronously, and says so.
@pytest.mark.filterwarnings("ignore:StreamingHttpResponse must consume asynchronous iterators")
def test_the_recording_is_watched_later_by_those_who_see_the_order(kept, dispatcher, brand_staff):
    order, rid, data = kept
    url = f"/live/orders/{order.number}/recordings/{rid}/file/"
    owner = User.objects.get(username="cust")
    for client, query in [
        (_client(owner), ""),
        (_client(dispatcher), ""),
        (_client(brand_staff), ""),
        (Client(), f"?t={order.tracking_token}"),
    ]:
        response = client.get(url + query)
        assert response.status_code == 200, query
        assert b"".join(response) == data  # a streaming response iterates over its chunks
        assert response["Content-Type"] == "video/webm"


def test_nobody_else_watches_it(kept, other_technician, outsider, other_brand):
    order, rid, _ = kept
    url = f"/live/orders/{order.number}/recordings/{rid}/file/"
    stranger = User.objects.create_user(username="cust2", role=Role.CUSTOMER)
    other_staff = User.objects.create_user(username="otherstaff", role=Role.BRAND_STAFF)
    other_staff.brands.add(other_brand)
    assert _client(stranger).get(url).status_code == 404
    assert _client(other_technician.user).get(url).status_code == 404
    assert _client(other_staff).get(url).status_code == 404
    assert _client(outsider).get(url).status_code == 403
    assert Client().get(url + "?t=wrong").status_code == 404


def test_the_customers_order_page_links_the_recording_with_its_hash(kept):
    order, rid, data = kept
    page = Client().get(f"/track/{order.number}/?t={order.tracking_token}").content.decode()
    assert hashlib.sha256(data).hexdigest() in page
    assert f"/live/orders/{order.number}/recordings/{rid}/file/?t={order.tracking_token}" in page


def test_a_recording_whose_phone_went_silent_is_kept_with_what_arrived(recording, technician):
    import datetime as dt

    from django.utils import timezone

    from anxin.live.video import recordings_abandoned_close

    order, rid = recording
    data = webm_bytes(frames=20)
    _patch(_client(technician.user), order, rid, 0, data)  # then the battery died: no finish
    assert recordings_abandoned_close() == 0  # not silent long enough
    later = timezone.now() + dt.timedelta(minutes=31)
    assert recordings_abandoned_close(now=later) == 1
    kept = VideoRecording.objects.get(pk=rid)
    assert kept.state == VideoRecording.State.COMPLETE and kept.sha256 == hashlib.sha256(data).hexdigest()
    event = WorkOrderEvent.objects.get(order=order, event=Event.VIDEO_RECORDED)
    assert event.actor is None and event.actor_label == "system" and kept.sha256 in event.note
