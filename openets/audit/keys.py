"""Ed25519 keys for signed checkpoints: generate, load, sign, check.

A checkpoint signs the text ``openets-checkpoint|<seq>|<hash>|<signed_at>``: the journal's
head (the last record's sequence number and hash) at a moment. Whoever holds the public key
can check that the journal still has that hash at that sequence number; a journal edited and
re-hashed after the checkpoint does not.

Files: the private key is PKCS#8 PEM (mode 0600); the public key ``KEYFILE.pub`` is
SubjectPublicKeyInfo PEM. The key id is the first 16 hex digits of the SHA-256 of the raw
32-byte public key.
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


class KeyFileError(ValueError):
    """A key file that cannot be read as an Ed25519 key."""


def raw_public(pub: Ed25519PublicKey) -> bytes:
    return pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(pub: Ed25519PublicKey) -> str:
    return hashlib.sha256(raw_public(pub)).hexdigest()[:16]


def public_text(pub: Ed25519PublicKey) -> str:
    """The public key as base64 of its 32 raw bytes (what ``keys generate`` prints)."""
    return base64.b64encode(raw_public(pub)).decode()


def generate(out: Path) -> Ed25519PublicKey:
    """Write a new private key to ``out`` (0600) and its public key to ``out.pub``."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
    pub = key.public_key()
    pub_pem = pub.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    Path(f"{out}.pub").write_bytes(pub_pem)
    return pub


def load_private(path: Path | str) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise KeyFileError(f"{path}: not a readable private key ({exc})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"{path}: not an Ed25519 private key")
    return key


def load_public(path: Path | str) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(Path(path).read_bytes())
    except (OSError, ValueError, TypeError) as exc:
        raise KeyFileError(f"{path}: not a readable public key ({exc})") from None
    if not isinstance(key, Ed25519PublicKey):
        raise KeyFileError(f"{path}: not an Ed25519 public key")
    return key


def message(seq: int, chain_hash: str, signed_at: str) -> bytes:
    return f"openets-checkpoint|{seq}|{chain_hash}|{signed_at}".encode()


def sign(key: Ed25519PrivateKey, seq: int, chain_hash: str, signed_at: str) -> str:
    return base64.b64encode(key.sign(message(seq, chain_hash, signed_at))).decode()


def signature_ok(
    pub: Ed25519PublicKey, seq: int, chain_hash: str, signed_at: str, signature: str
) -> bool:
    try:
        pub.verify(base64.b64decode(signature, validate=True), message(seq, chain_hash, signed_at))
    except (InvalidSignature, ValueError):
        return False
    return True
