"""Caseworker logins for the web page: password hashes, signed cookies, CSRF tokens.

Only hashes are stored: ``scrypt$N$r$p$<salt>$<hash>`` (hashlib.scrypt, base64
parts).  Make one with ``toolkit records hash-password``.  Cookies are signed
with HMAC-SHA256 under a server secret and carry their own expiry.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.errors import ConfigError

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 14, 8, 1
SESSION_SECONDS = 8 * 3600
LOGIN_FORM_SECONDS = 3600


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def check_hash_format(value: str) -> bool:
    parts = value.split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        return False
    try:
        n, r, p = (int(x) for x in parts[1:4])
        _unb64(parts[4]), _unb64(parts[5])
    except ValueError:
        return False
    return n >= 2 ** 10 and n & (n - 1) == 0 and r > 0 and p > 0


_DUMMY = hash_password("not a password", salt=b"0123456789abcdef")


def verify_password(password: str, stored: str | None) -> bool:
    """Constant-time check; an unknown user still costs one scrypt, so timing tells nothing."""
    value = stored if stored and check_hash_format(stored) else _DUMMY
    _, n, r, p, salt, digest = value.split("$")
    got = hashlib.scrypt(password.encode("utf-8"), salt=_unb64(salt), n=int(n), r=int(r), p=int(p),
                         dklen=len(_unb64(digest)), maxmem=2 ** 26)
    return hmac.compare_digest(got, _unb64(digest)) and stored is not None and value == stored


def parse_user(spec: str, where: str = "--user") -> tuple[str, str]:
    """``NAME:HASH`` → (name, hash), with a clear error for anything else."""
    name, sep, hashed = spec.strip().partition(":")
    if not sep or not name.strip():
        raise ConfigError(f"{where}: expected NAME:PASSWORD_HASH")
    if not check_hash_format(hashed.strip()):
        raise ConfigError(f"{where}: the password of {name.strip()!r} is not a hash from "
                          "'toolkit records hash-password' (plain passwords are never accepted)")
    return name.strip(), hashed.strip()


def load_users(specs: Iterable[str] = (), users_file: Path | None = None,
               env: Mapping[str, str] | None = None, config: Mapping[str, Any] | None = None) -> dict[str, str]:
    """Users from ``--user`` options, a users file (``NAME:HASH`` per line, ``#`` comments),
    ``TOOLKIT_RECORDS_USERS`` (comma-separated) and ``[web] users`` in the config file."""
    env = os.environ if env is None else env
    web = dict((config or {}).get("web", {}))
    users: dict[str, str] = {}
    for spec in specs:
        name, hashed = parse_user(spec)
        users[name] = hashed
    path = users_file or (Path(str(web["users_file"])) if web.get("users_file") else None)
    if path is not None:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read users file: {exc.strerror}") from None
        for number, line in enumerate(lines, start=1):
            if line.strip() and not line.lstrip().startswith("#"):
                name, hashed = parse_user(line, f"{path}:{number}")
                users[name] = hashed
    for number, spec in enumerate(filter(None, env.get("TOOLKIT_RECORDS_USERS", "").split(",")), start=1):
        name, hashed = parse_user(spec, f"TOOLKIT_RECORDS_USERS entry {number}")
        users.setdefault(name, hashed)
    table = web.get("users", {})
    if not isinstance(table, Mapping):
        raise ConfigError("[web] users must be a table of name = \"hash\"")
    for name, hashed in table.items():
        users.setdefault(*parse_user(f"{name}:{hashed}", f"[web] users.{name}"))
    return users


@dataclass
class Signer:
    """HMAC-signed, expiring tokens for cookies."""

    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)

    def sign(self, purpose: str, data: Mapping[str, Any], seconds: int) -> str:
        body = _b64(json.dumps({**data, "exp": int(time.time()) + seconds}, separators=(",", ":")).encode())
        mac = hmac.new(self.secret, f"{purpose}|{body}".encode(), hashlib.sha256).digest()
        return f"{body}.{_b64(mac)}"

    def unsign(self, purpose: str, token: str | None) -> dict[str, Any] | None:
        if not token or token.count(".") != 1:
            return None
        body, mac = token.split(".")
        want = hmac.new(self.secret, f"{purpose}|{body}".encode(), hashlib.sha256).digest()
        try:
            if not hmac.compare_digest(_unb64(mac), want):
                return None
            data = json.loads(_unb64(body))
        except (ValueError, TypeError):
            return None
        if not isinstance(data, dict) or not isinstance(data.get("exp"), int) or data["exp"] < time.time():
            return None
        return data


@dataclass
class Throttle:
    """At most *limit* failed logins per key within *window* seconds."""

    limit: int = 5
    window: float = 300.0
    failures: dict[str, list[float]] = field(default_factory=dict)

    def blocked(self, key: str) -> bool:
        now = time.monotonic()
        recent = [t for t in self.failures.get(key, []) if now - t < self.window]
        self.failures[key] = recent
        return len(recent) >= self.limit

    def fail(self, key: str) -> None:
        if len(self.failures) > 10_000:  # bounded memory under a flood of made-up names
            now = time.monotonic()
            self.failures = {k: v for k, v in self.failures.items() if v and now - v[-1] < self.window}
        self.failures.setdefault(key, []).append(time.monotonic())

    def clear(self, key: str) -> None:
        self.failures.pop(key, None)

    def attempt(self, key: str) -> bool:
        """Count an attempt as failed before the password is checked (a success clears it).
        Check and count happen with no await between them, so attempts sent in parallel
        cannot all pass the check before any of them has failed."""
        if self.blocked(key):
            return False
        self.fail(key)
        return True


@dataclass
class EndedSessions:
    """Sessions logged out before they expired.  With a *path* (beside a fixed secret) they
    are kept in a file, so a restart does not make a logged-out session valid again."""

    path: Path | None = None
    ended: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.path is None or not self.path.exists():
            return
        now = time.time()
        for line in self.path.read_text(encoding="utf-8").splitlines():
            token, _, exp = line.partition(" ")
            if exp.isdigit() and int(exp) > now:
                self.ended[token] = int(exp)

    def add(self, token: str, exp: int) -> None:
        self.ended[token] = exp
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as out:
                out.write(f"{token} {exp}\n")
                out.flush()
                os.fsync(out.fileno())

    def __contains__(self, token: object) -> bool:
        return token in self.ended


def new_token() -> str:
    return secrets.token_urlsafe(24)


def same_token(a: object, b: object) -> bool:
    return isinstance(a, str) and isinstance(b, str) and bool(a) and hmac.compare_digest(a, b)
