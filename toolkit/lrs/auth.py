"""Credentials: hashed secrets, scopes, activity and homePage restrictions, rate limits."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from toolkit.errors import ConfigError
from toolkit.lrs.storage import Storage

SCOPES = ("all", "statements/write", "statements/read", "state")


@dataclass
class Credential:
    key: str
    name: str
    scopes: list[str]
    activity_prefixes: list[str] = field(default_factory=list)
    homepage: str | None = None

    def can(self, need: str) -> bool:
        if "all" in self.scopes:
            return True
        if need == "statements/write":
            return "statements/write" in self.scopes
        if need == "statements/read":
            return "statements/read" in self.scopes
        if need == "state":
            return bool({"state", "statements/write"} & set(self.scopes))
        if need == "profile/read":
            return "statements/read" in self.scopes
        return False

    def authority(self, base: str) -> dict[str, Any]:
        return {"objectType": "Agent", "name": self.name, "account": {"homePage": base, "name": self.key}}


def hash_secret(secret: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(secret.encode(), salt=salt, n=2 ** 14, r=8, p=1, dklen=32)
    return f"scrypt${salt.hex()}${digest.hex()}"


def check_secret(secret: str, stored: str) -> bool:
    try:
        _, salt, digest = stored.split("$")
        expected = hashlib.scrypt(secret.encode(), salt=bytes.fromhex(salt), n=2 ** 14, r=8, p=1, dklen=32)
        return hmac.compare_digest(expected.hex(), digest)
    except (ValueError, TypeError):
        return False


def add_credential(storage: Storage, name: str, scopes: list[str], password: str | None = None,
                   activity_prefixes: list[str] | None = None, homepage: str | None = None) -> tuple[str, str]:
    """Create a credential; return (key, secret).  The key is the Basic-auth user name."""
    bad = [s for s in scopes if s not in SCOPES]
    if bad or not scopes:
        raise ConfigError(f"unknown scope(s) {', '.join(bad) or '(none)'}: choose from {', '.join(SCOPES)}")
    if any(c["key"] == name or c["name"] == name for c in storage.credentials()):
        raise ConfigError(f"a credential named '{name}' already exists")
    secret = password or secrets.token_urlsafe(24)
    storage.add_credential(name, name, hash_secret(secret), scopes, activity_prefixes or [], homepage,
                           dt.datetime.now(dt.timezone.utc).isoformat())
    return name, secret


class Authenticator:
    """Checks Basic auth against stored hashes; caches successful checks (scrypt is slow on purpose)."""

    def __init__(self, storage: Storage, ttl: float = 30.0) -> None:
        self.storage = storage
        self.ttl = ttl
        self.cache: dict[str, tuple[float, Credential]] = {}
        self.lock = threading.Lock()

    def authenticate(self, header: str | None) -> Credential | None:
        if not header or not header.lower().startswith("basic "):
            return None
        token = header[6:].strip()
        now = time.monotonic()
        with self.lock:
            hit = self.cache.get(token)
            if hit and now - hit[0] < self.ttl:
                return hit[1]
        try:
            user, _, secret = base64.b64decode(token, validate=True).decode("utf-8").partition(":")
        except (ValueError, UnicodeDecodeError):
            return None
        for c in self.storage.credentials():
            if c["key"] == user and not c["revoked"] and check_secret(secret, c["secret_hash"]):
                cred = Credential(c["key"], c["name"], c["scopes"], c["activity_prefixes"], c["homepage"])
                with self.lock:
                    self.cache[token] = (now, cred)
                return cred
        return None

    def forget(self) -> None:
        with self.lock:
            self.cache.clear()


class RateLimiter:
    """A token bucket per credential for write requests."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate, self.burst = rate, burst
        self.buckets: dict[str, tuple[float, float]] = {}
        self.lock = threading.Lock()

    def allow(self, key: str) -> bool:
        if self.rate <= 0:
            return True
        now = time.monotonic()
        with self.lock:
            tokens, last = self.buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            if tokens < 1:
                self.buckets[key] = (tokens, now)
                return False
            self.buckets[key] = (tokens - 1, now)
            return True
