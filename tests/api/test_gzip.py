"""API answers are gzipped for clients that ask, and plain for those that don't (ADR 24)."""

import gzip
import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_client_that_accepts_gzip_gets_a_compressed_answer_that_inflates_to_the_json():
    plain = Client().get("/api/v1/openapi.json")
    packed = Client().get("/api/v1/openapi.json", HTTP_ACCEPT_ENCODING="gzip")

    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(packed.content)) == json.loads(plain.content)
