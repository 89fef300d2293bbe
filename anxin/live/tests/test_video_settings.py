"""ANXIN_ICE_SERVERS: a JSON list of RTCIceServer objects, refused at start when it is anything else."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from anxin.settings import env_ice_servers


def test_no_ice_servers_means_host_candidates_only(monkeypatch):
    monkeypatch.delenv("ANXIN_ICE_SERVERS", raising=False)
    assert env_ice_servers("ANXIN_ICE_SERVERS") == []


def test_stun_and_turn_servers_are_read_as_given(monkeypatch):
    value = '[{"urls": "stun:stun.example.org:3478"}, {"urls": ["turn:t.example.org"], "username": "u", "credential": "c"}]'
    monkeypatch.setenv("ANXIN_ICE_SERVERS", value)
    assert env_ice_servers("ANXIN_ICE_SERVERS")[1]["username"] == "u"


@pytest.mark.parametrize("value", ["stun:stun.example.org", '{"urls": "stun:x"}', '[{"url": "stun:x"}]'])
def test_anything_else_is_refused_at_start(monkeypatch, value):
    monkeypatch.setenv("ANXIN_ICE_SERVERS", value)
    with pytest.raises(ImproperlyConfigured, match="ANXIN_ICE_SERVERS"):
        env_ice_servers("ANXIN_ICE_SERVERS")
