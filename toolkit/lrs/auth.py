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
                           dt.datetime.now(dt.UTC).isoformat())
    return name, secret


_DUMMY_HASH = hash_secret("not a secret", salt=b"toolkit-lrs-salt")


class Limits:
    """Token buckets: in the database on PostgreSQL, so every worker shares them; in memory
    on SQLite (one process)."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self.buckets: dict[str, tuple[float, float]] = {}
        self.lock = threading.Lock()

    def take(self, buckets: list[tuple[str, float, float]], cost: float = 1.0) -> bool:
        """Take *cost* tokens from every bucket (name, rate per second, burst) whose rate is
        above 0, or from none of them if one holds too few."""
        buckets = [b for b in buckets if b[1] > 0]
        if not buckets:
            return True
        if self.storage.postgres:
            return self.storage.take(buckets, cost)
        now = time.monotonic()
        with self.lock:
            if len(self.buckets) > 100_000:  # bounded memory under a flood of made-up names
                self.buckets.clear()
            after = {}
            for name, rate, burst in buckets:
                tokens, last = self.buckets.get(name, (float(burst), now))
                tokens = min(float(burst), tokens + (now - last) * rate)
                if tokens < cost:
                    return False
                after[name] = (tokens - cost, now)
            self.buckets.update(after)
            return True


class Authenticator:
    """Checks Basic auth against the stored hashes.

    The credential row is read on every request, so a revocation works at once, in
    every worker.  What is cached is only that a given header once matched a given
    hash, which saves the scrypt (slow on purpose) on the next request.  An unknown
    key costs a scrypt too, so timing does not tell key names apart.  Every scrypt
    runs in a worker thread, at most ``parallel`` at a time, and reserves a token
    from two failed-login buckets (per client address, per key name) that a success
    gives back: a flood of wrong passwords is answered 429 without hashing.
    """

    def __init__(self, storage: Storage, limits: Limits | None = None, failures: int = 10,
                 failure_seconds: float = 6.0, parallel: int = 2) -> None:
        self.storage = storage
        self.limits = limits or Limits(storage)
        self.failures, self.failure_rate = failures, 1.0 / failure_seconds if failure_seconds > 0 else 0.0
        self.cache: dict[bytes, str] = {}
        self.lock = threading.Lock()
        self.hashing = threading.BoundedSemaphore(parallel)

    def authenticate(self, header: str | None, client: str = "") -> Credential | None:
        """The credential, None for wrong or missing ones; :class:`Throttled` if this client
        or key name failed too often."""
        if not header or not header.lower().startswith("basic "):
            return None
        token = header[6:].strip()
        try:
            user, _, secret = base64.b64decode(token, validate=True).decode("utf-8").partition(":")
        except (ValueError, UnicodeDecodeError):
            return None
        row = self.storage.credential(user) if 0 < len(user) <= 200 else None
        digest = hashlib.sha256(token.encode()).digest()
        with self.lock:
            known = self.cache.get(digest)
        if row is not None and known is not None and hmac.compare_digest(known, row["secret_hash"]):
            return None if row["revoked"] else self._credential(row)
        buckets = [(f"login-addr:{client}", self.failure_rate, float(self.failures)),
                   (f"login-key:{user[:200]}", self.failure_rate * 10, float(self.failures * 10))]
        if not self.limits.take(buckets):
            raise Throttled("too many failed logins: wait a few seconds")
        with self.hashing:
            ok = check_secret(secret, row["secret_hash"] if row else _DUMMY_HASH) and row is not None
        if not ok or row is None:
            return None
        self.limits.take(buckets, cost=-1)
        with self.lock:
            if len(self.cache) > 10_000:
                self.cache.clear()
            self.cache[digest] = row["secret_hash"]
        return None if row["revoked"] else self._credential(row)

    @staticmethod
    def _credential(c: dict[str, Any]) -> Credential:
        return Credential(c["key"], c["name"], c["scopes"], c["activity_prefixes"], c["homepage"])

    def forget(self) -> None:
        with self.lock:
            self.cache.clear()


class Throttled(Exception):
    """Too many failed logins from this client or for this key name."""
