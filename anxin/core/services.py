from __future__ import annotations

from typing import cast

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models

from anxin.core.models import RevealLog


def reveal_log_create(
    *,
    actor: AbstractBaseUser,  # core sits below accounts: the base class, hence actor_id below
    subject_type: str,
    subject_id: str,
    field: str,
    reason: str = "",
    ip_address: str | None = None,
) -> RevealLog:
    return RevealLog.objects.create(
        actor_id=actor.pk,
        subject_type=subject_type,
        subject_id=str(subject_id),
        field=field,
        reason=reason[:200],
        ip_address=ip_address or None,
    )


def encrypted_columns() -> list[tuple[type[models.Model], str, str]]:
    """(model, field name, column) for every EncryptedTextField in the project."""
    from django.apps import apps

    from anxin.core.fields import EncryptedTextField

    return [
        (model, field.name, cast(str, field.column))  # a concrete field always has a column
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedTextField)
    ]


def encrypted_values_rotate(*, batch_size: int = 500) -> dict[str, int]:
    """Rewrite every value not under the active key. Row by row, each batch its own transaction,
    so the site keeps serving; a value changed meanwhile is simply re-encrypted by its writer."""
    from django.db import connection, transaction

    from anxin.core.crypto import PREFIX, get_keyring

    keyring = get_keyring()
    active_prefix = f"{PREFIX}:{keyring.active_key_id}:"
    counts: dict[str, int] = {}
    for model, name, column in encrypted_columns():
        table = connection.ops.quote_name(model._meta.db_table)
        col = connection.ops.quote_name(column)
        pk = connection.ops.quote_name(cast(str, model._meta.pk.column))  # a primary key has a column
        label = f"{model._meta.label}.{name}"
        counts[label] = 0
        last_pk = None
        while True:
            with connection.cursor() as cursor:
                params: list[str | int] = [active_prefix + "%"]
                after = ""
                if last_pk is not None:
                    after = f" AND {pk} > %s"
                    params.append(last_pk)
                cursor.execute(
                    f"SELECT {pk} FROM {table} WHERE {col} <> '' AND {col} NOT LIKE %s{after} ORDER BY {pk} LIMIT {int(batch_size)}",
                    params,
                )
                ids = [row[0] for row in cursor.fetchall()]
            if not ids:
                break
            with transaction.atomic():
                for obj in (
                    model._default_manager.select_for_update()
                    .filter(pk__in=ids)
                    .only(model._meta.pk.name, name)
                ):
                    # Saving re-encrypts under the active key.
                    model._default_manager.filter(pk=obj.pk).update(**{name: getattr(obj, name)})
                    counts[label] += 1
            last_pk = ids[-1]
    return counts


def encrypted_key_ids_in_use() -> set[str]:
    from django.db import connection

    from anxin.core.crypto import Keyring

    used: set[str] = set()
    for model, _name, column in encrypted_columns():
        table = connection.ops.quote_name(model._meta.db_table)
        col = connection.ops.quote_name(column)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT DISTINCT substr({col}, 1, 40) FROM {table} WHERE {col} <> ''")
            for (head,) in cursor.fetchall():
                key_id = Keyring.key_id_of(head + "::")
                if key_id:
                    used.add(key_id)
    return used
