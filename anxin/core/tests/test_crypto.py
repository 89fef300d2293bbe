import pytest

from anxin.core.crypto import DecryptionError, Keyring, get_keyring


def test_it_round_trips_and_tags_values_with_the_key_id():
    keyring = get_keyring()
    stored = keyring.encrypt("13800138000", context="customers.Customer.phone")
    assert stored.startswith("v1:t1:")
    assert "13800138000" not in stored
    assert keyring.decrypt(stored, context="customers.Customer.phone") == "13800138000"


def test_the_same_value_encrypts_differently_each_time():
    keyring = get_keyring()
    assert keyring.encrypt("张伟", context="c") != keyring.encrypt("张伟", context="c")


def test_a_value_moved_to_another_column_fails_to_decrypt():
    keyring = get_keyring()
    stored = keyring.encrypt("13800138000", context="customers.Customer.phone")
    with pytest.raises(DecryptionError):
        keyring.decrypt(stored, context="customers.Customer.name")


def test_a_tampered_value_fails_authentication():
    keyring = get_keyring()
    stored = keyring.encrypt("abc", context="c")
    tampered = stored[:-4] + ("AAAA" if not stored.endswith("AAAA") else "BBBB")
    with pytest.raises(DecryptionError):
        keyring.decrypt(tampered, context="c")


def test_blind_index_is_deterministic_and_keyed():
    keyring = get_keyring()
    other = Keyring(keys=keyring.keys, active_key_id="t1", blind_index_key=b"x" * 32)
    assert keyring.blind_index("13800138000", context="phone") == keyring.blind_index(
        "13800138000", context="phone"
    )
    assert keyring.blind_index("13800138000", context="phone") != other.blind_index(
        "13800138000", context="phone"
    )
