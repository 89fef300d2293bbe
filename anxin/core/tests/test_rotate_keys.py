import json

import pytest
from django.core.management import call_command
from django.db import connection

from anxin.core.crypto import get_keyring, reset_keyring_cache
from anxin.customers.models import Customer
from anxin.customers.services import phone_blind_index
from anxin.workorders.models import WorkOrder
from anxin.workorders.tests.factories import order_file


@pytest.fixture
def file_keyring(settings, tmp_path):
    settings.ANXIN_ENCRYPTION_KEYS = ""
    settings.ANXIN_KEYRING_FILE = tmp_path / "keys.json"
    settings.ANXIN_ROTATE_NO_WAIT = True
    reset_keyring_cache()
    yield settings.ANXIN_KEYRING_FILE
    reset_keyring_cache()


def _raw_values(table: str, column: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE {column} <> ''")
        return [row[0] for row in cursor.fetchall()]


def test_rotate_keys_re_encrypts_every_value_under_the_new_key(file_keyring, brand, category):
    order_file(phone="13811112222", name="赵六")
    order_file(phone="13833334444", name="孙七", brand="昌尔特")
    assert get_keyring().active_key_id == "k1"
    assert all(v.startswith("v1:k1:") for v in _raw_values("customers_customer", "phone"))

    call_command("rotate_keys", "--batch-size", "1")

    assert json.loads(file_keyring.read_text())["active"] == "k2"
    for table, column in [
        ("customers_customer", "phone"),
        ("customers_customer", "name"),
        ("workorders_workorder", "contact_phone"),
        ("workorders_workorder", "service_address"),
    ]:
        values = _raw_values(table, column)
        assert values and all(v.startswith("v1:k2:") for v in values), (table, column)
    # Still readable, and lookups by blind index still work after rotation.
    assert sorted(Customer.objects.values_list("name", flat=True)) == sorted(["赵六", "孙七"])
    assert WorkOrder.objects.filter(customer__phone_index=phone_blind_index("13811112222")).count() == 1


def test_old_keys_stay_readable_until_retired(file_keyring, brand, category):
    order_file(phone="13811112222")
    call_command("rotate_keys", "--retire-old")
    data = json.loads(file_keyring.read_text())
    assert set(data["keys"]) == {"k2"}
    reset_keyring_cache()
    assert Customer.objects.get().phone == "13811112222"
