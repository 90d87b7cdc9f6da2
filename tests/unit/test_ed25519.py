"""Ed25519 (RFC 8032) in plain Python, against the RFC's own test vectors."""

import pytest

from classification_plugin.core import ed25519

# RFC 8032, section 7.1: TEST 1 (empty message) and TEST 2 (one byte)
VECTORS = [
    ("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),  # noqa: E501
    ("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),  # noqa: E501
]


@pytest.mark.parametrize("secret, public, message, signature", VECTORS)
def test_rfc_8032_vectors(secret, public, message, signature):
    secret, public = bytes.fromhex(secret), bytes.fromhex(public)
    message, signature = bytes.fromhex(message), bytes.fromhex(signature)
    assert ed25519.public_key(secret) == public
    assert ed25519.sign(secret, message) == signature
    assert ed25519.verify(public, message, signature)


def test_any_change_fails_verification():
    secret = bytes(range(32))
    public, message = ed25519.public_key(secret), b'{"version": 1}'
    signature = ed25519.sign(secret, message)
    assert ed25519.verify(public, message, signature)
    assert not ed25519.verify(public, message + b" ", signature)
    flipped = bytearray(signature)
    flipped[40] ^= 1
    assert not ed25519.verify(public, message, bytes(flipped))
    assert not ed25519.verify(ed25519.public_key(bytes(32)), message, signature)


def test_malformed_keys_and_signatures_are_false_not_errors():
    assert not ed25519.verify(b"short", b"m", bytes(64))
    assert not ed25519.verify(bytes(32), b"m", b"short")
    assert not ed25519.verify(b"\xff" * 32, b"m", bytes(64))  # not a point on the curve
    secret = bytes(range(32))
    signature = ed25519.sign(secret, b"m")
    too_big_s = signature[:32] + (2 ** 256 - 1).to_bytes(32, "little")
    assert not ed25519.verify(ed25519.public_key(secret), b"m", too_big_s)
