"""The server's Ed25519 signing key and its cookie secret, kept in files beside the database.

Both are created on first start (mode 0600) and never rewritten. Creation is
race-free across processes: the file is written under a temporary name and
hard-linked to its final name, so the first process wins and every process
then reads the same key.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


def _create_once(path: Path, data: bytes) -> bytes:
    """Write *data* to *path* unless it exists; return the file's content either way."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            with contextlib.suppress(FileExistsError):  # another process was first
                os.link(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
    return path.read_bytes()


def key_id(public_key: bytes) -> str:
    """A key's short fingerprint: the first 16 hex digits of SHA-256 of the raw public key.

    Examples
    --------
    >>> key_id(bytes(32))
    '66687aadf862bd77'
    """
    return hashlib.sha256(public_key).hexdigest()[:16]


@dataclass(frozen=True)
class SigningKey:
    """An Ed25519 key pair (RFC 8032) with its fingerprint."""

    private: Ed25519PrivateKey

    @cached_property
    def public_bytes(self) -> bytes:
        """The raw 32-byte public key."""
        return self.private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )

    @cached_property
    def public_hex(self) -> str:
        """The public key in hex."""
        return self.public_bytes.hex()

    @cached_property
    def id(self) -> str:
        """Fingerprint of the public key."""
        return key_id(self.public_bytes)

    def sign(self, message: bytes) -> str:
        """Hex Ed25519 signature of *message*."""
        return self.private.sign(message).hex()

    @classmethod
    def generate(cls) -> SigningKey:
        """A fresh key (for tests and first start)."""
        return cls(Ed25519PrivateKey.generate())


def verify_signature(public_hex: str, message: bytes, signature_hex: str) -> bool:
    """Whether *signature_hex* is a valid Ed25519 signature of *message* by *public_hex*.

    Examples
    --------
    >>> k = SigningKey.generate()
    >>> verify_signature(k.public_hex, b"x", k.sign(b"x")), verify_signature(k.public_hex, b"y", k.sign(b"x"))
    (True, False)
    """
    try:
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_hex))
        key.verify(bytes.fromhex(signature_hex), message)
    except (InvalidSignature, ValueError):
        return False
    return True


def load_signing_key(path: Path) -> SigningKey:
    """The key in *path* (PKCS#8 PEM), created on first use."""
    fresh = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    pem = _create_once(path, fresh)
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} does not hold an Ed25519 private key")
    return SigningKey(key)


def load_secret(path: Path) -> bytes:
    """The 32-byte server secret in *path*, created on first use."""
    data = _create_once(path, secrets.token_bytes(32))
    if len(data) < 32:
        raise ValueError(f"{path} holds a secret shorter than 32 bytes")
    return data
