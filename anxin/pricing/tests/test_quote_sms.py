"""A quote sent with an SMS: one durable job texts the customer the link, once, in their language."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from anxin.catalog.models import FaultCode
from anxin.customers.models import Customer
from anxin.notifications import jobs
from anxin.notifications.choices import JobStatus
from anxin.notifications.models import Job
from anxin.pricing import services
from anxin.pricing.tests.factories import order_at_quote, price_list_make

JOB = "anxin.pricing.tasks.quote_link_text"


@pytest.fixture
def sms(settings, tmp_path, monkeypatch):
    sink = tmp_path / "sms.txt"
    monkeypatch.setenv("ANXIN_SMS_SINK_FILE", str(sink))
    settings.ANXIN_SMS_PROVIDER = "anxin.notifications.providers.FileSinkSmsProvider"
    return lambda: sink.read_text(encoding="utf-8").splitlines() if sink.exists() else []


@pytest.mark.parametrize(("language", "words"), [("zh-hans", "维修报价合计 ¥170.00"), ("en", "170.00")])
def test_the_customer_is_texted_the_link_to_their_quote(brand, category, technician, sms, language, words):
    price_list_make(brand=brand, category=category)
    order = order_at_quote(brand=brand, category=category, technician=technician)
    Customer.objects.filter(pk=order.customer_id).update(language=language)
    quote = services.quote_start(
        order=order, fault_code=FaultCode.objects.get(code="E1"), actor=technician.user
    )

    services.quote_send(quote=quote, actor=technician.user, sms=True)
    for job in Job.objects.filter(kind=JOB, status=JobStatus.PENDING):
        jobs.job_run(job_id=job.pk, now=timezone.now())
        jobs.job_run(job_id=job.pk, now=timezone.now())  # a replayed job never texts twice

    (line,) = sms()
    reference, phone, text = line.split("\t")
    assert words in text and order.number in text
    assert "13800000001" not in phone
    path = services.quote_link_path(order)
    assert text.endswith(path) and Client().get(path).status_code == 200
