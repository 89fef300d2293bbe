"""A raw dump of the database holds no customer's phone, name or address in plain text."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from django.db import connection

from anxin.workorders.tests.factories import order_file

PHONE = "13987654321"
NAME = "欧阳明月"
ADDRESS = "北京市朝阳区建国路88号院7号楼1502室"
EMAIL = "ouyang.mingyue@example.cn"


def _sql_dump() -> str:
    """Every row of every table, as text (works on SQLite and PostgreSQL)."""
    chunks: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks)


def _native_dump() -> str:
    if connection.vendor == "sqlite":
        return "\n".join(connection.connection.iterdump())
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        pytest.skip("pg_dump is not installed; the SQL-level dump test still covers PostgreSQL")
    params = connection.get_connection_params()
    result = subprocess.run(
        [
            pg_dump,
            "-h",
            params.get("host") or "127.0.0.1",
            "-p",
            str(params.get("port") or 5432),
            "-U",
            params.get("user") or "postgres",
            "--data-only",
            connection.settings_dict["NAME"],
        ],
        capture_output=True,
        check=True,
        env={"PGPASSWORD": params.get("password") or ""},
    )
    return result.stdout.decode("utf-8", errors="replace")


@pytest.fixture
def filed_order(transactional_db, brand, category):
    order = order_file(phone=PHONE, name=NAME, address=ADDRESS, email=EMAIL, description="柜门坏了")
    # Sanity: the application itself still sees the real values.
    order.refresh_from_db()
    assert order.contact_phone == PHONE and order.contact_name == NAME
    return order


@pytest.mark.parametrize("dump", [_sql_dump, _native_dump], ids=["sql", "native"])
def test_a_raw_dump_contains_no_plain_customer_data(filed_order, dump):
    text = dump()
    assert filed_order.number in text  # the dump really has the order in it
    for secret in (PHONE, NAME, ADDRESS, EMAIL, PHONE[-8:], "建国路88号院7号楼"):
        assert secret not in text, f"{secret!r} found in plain text in the {dump.__name__}"
