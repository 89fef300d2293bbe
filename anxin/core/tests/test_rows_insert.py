"""core.rows.rows_insert: the intake's lean INSERT writes the rows save() would write."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from anxin.core.crypto import get_keyring
from anxin.core.rows import row_first_locked, rows_insert
from anxin.customers.models import Customer
from anxin.notifications.choices import JobStatus
from anxin.notifications.models import Job
from anxin.workorders.models import OrderNumberCounter

PERSONAL = {"phone": "13800138000", "name": "张伟", "address": "广东省东莞市虎门镇太沙路8号", "email": ""}


def _raw_row(model, pk):
    """The row as stored, no field conversion: what is really in the database."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [pk])
        names = [column[0] for column in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))


@pytest.mark.django_db
def test_it_writes_the_row_save_would_write_with_personal_fields_encrypted():
    # given one customer saved by the ORM and one by rows_insert, from the same values
    by_save = Customer(**PERSONAL, phone_index="a" * 64)
    by_save.save()
    lean = Customer(**PERSONAL, phone_index="a" * 64)

    # when
    rows_insert([lean])

    # then the instance is saved, and the rows differ only where save() is random or timed
    assert lean.pk is not None and lean.pk != by_save.pk and not lean._state.adding
    saved, inserted = _raw_row(Customer, by_save.pk), _raw_row(Customer, lean.pk)
    assert inserted.keys() == saved.keys()
    for column in ("phone", "name", "address"):  # AES-GCM: a fresh nonce each time
        assert inserted[column].startswith("v1:") and PERSONAL[column] not in inserted[column]
        context = f"customers.Customer.{column}"
        assert get_keyring().decrypt(inserted[column], context=context) == PERSONAL[column]
    assert inserted["email"] == saved["email"] == ""
    assert inserted["phone_index"] == saved["phone_index"]
    assert inserted["user_id"] is None
    assert inserted["created_at"] is not None and inserted["updated_at"] is not None  # auto_now(_add)
    assert Customer.objects.get(pk=lean.pk).name == "张伟"


@pytest.mark.django_db
def test_several_rows_are_one_statement_with_the_models_defaults(django_assert_num_queries):
    jobs = [Job(kind="a.b", payload={"order_id": n}, next_attempt_at=timezone.now()) for n in (1, 2)]

    with django_assert_num_queries(1):
        rows_insert(jobs)

    stored = list(Job.objects.filter(pk__in=[job.pk for job in jobs]).order_by("pk"))
    assert [job.payload for job in stored] == [{"order_id": 1}, {"order_id": 2}]
    assert {(job.status, job.attempts, job.last_error, job.done_at) for job in stored} == {
        (JobStatus.PENDING, 0, "", None)
    }


@pytest.mark.django_db(transaction=True)
def test_a_unique_violation_is_djangos_integrity_error():
    # Idempotency relies on it: a second insert of the same (client, key) must raise IntegrityError.
    day = dt.date(2026, 12, 3)
    rows_insert([OrderNumberCounter(day=day, last=1)])  # an explicit primary key is written too

    with pytest.raises(IntegrityError), transaction.atomic():
        rows_insert([OrderNumberCounter(day=day, last=2)])

    assert OrderNumberCounter.objects.get(day=day).last == 1


@pytest.mark.django_db
def test_row_first_locked_reads_the_first_match_as_the_orm_does(django_assert_num_queries):
    first = Customer.objects.create(**PERSONAL, phone_index="b" * 64)
    Customer.objects.create(name="李娜", phone_index="b" * 64)

    with django_assert_num_queries(1):
        found = row_first_locked(Customer, column="phone_index", value="b" * 64)

    expected = Customer.objects.get(pk=first.pk)
    assert found is not None and not found._state.adding
    assert [getattr(found, f.attname) for f in Customer._meta.concrete_fields] == [
        getattr(expected, f.attname) for f in Customer._meta.concrete_fields
    ]
    assert row_first_locked(Customer, column="phone_index", value="c" * 64) is None
