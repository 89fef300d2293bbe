"""Model fields for customer data: encrypted at rest, never queryable by value."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.lookups import Lookup

from anxin.core.crypto import get_keyring


class EncryptedTextField(models.TextField):
    """A text value stored as AES-256-GCM ciphertext tagged with its key id.

    Python code sees plain ``str``; the database only ever sees ciphertext. Look
    rows up through a blind-index column instead of filtering on this one.
    """

    def contribute_to_class(self, cls: type[models.Model], name: str, *args: Any, **kwargs: Any) -> None:
        super().contribute_to_class(cls, name, *args, **kwargs)
        self.crypto_context = f"{cls._meta.app_label}.{cls.__name__}.{name}"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return get_keyring().decrypt(value, context=self.crypto_context)

    def get_prep_value(self, value: Any) -> str | None:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return get_keyring().encrypt(str(value), context=self.crypto_context)

    def get_lookup(self, lookup_name: str) -> type[Lookup[Any]] | None:
        if lookup_name not in {"isnull"}:
            raise TypeError(f"{self.crypto_context} is encrypted: filter on its blind index instead")
        return super().get_lookup(lookup_name)
