"""What the HTTP layer hands to the resources: a normalised request, settings, errors."""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass, field
from typing import Any

from toolkit.lrs import jsonsafe
from toolkit.lrs.auth import Credential


def address_key(host: str) -> str:
    """The client address the per-address limits count by: an IPv4 address as it is, an IPv6
    address by its /64 network, the smallest block one subscriber is given, so that rotating
    through one's own /64 gives no fresh allowance."""
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return host[:100]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


class HTTPError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


@dataclass
class Settings:
    cors_origins: tuple[str, ...] = ()
    max_body: int = 20 * 1024 * 1024
    max_batch: int = 1000
    max_attachment: int = 10 * 1024 * 1024
    max_parts: int = 1000  # multipart/mixed parts in one request
    page_size: int = 100
    rate: float = 200.0  # write requests per second per restricted credential (0: no limit)
    burst: int = 1000
    rate_address: float = 20.0  # write requests per second per client address, restricted credentials
    burst_address: int = 200
    rate_all: float = 0.0  # the same per `all` credential; 0: none (ADL's conformance suite needs that)
    login_failures: int = 10  # failed logins per client address before it must wait
    login_failure_seconds: float = 6.0  # ... one more attempt per this many seconds after that
    base_url: str = "http://127.0.0.1/"
    pool_size: int = 10


@dataclass
class XRequest:
    method: str
    params: dict[str, str]
    headers: dict[str, str]
    body: bytes
    path: str
    client: str = ""
    credential: Credential | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def json(self) -> Any:
        return parse_json(self.body, "the body")

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


def parse_json(data: str | bytes, what: str) -> Any:
    try:
        return jsonsafe.loads(data)
    except jsonsafe.BadJSON as exc:
        raise HTTPError(400, f"{what} is not acceptable JSON: {exc}") from None


def flag(p: dict[str, str], key: str) -> bool:
    value = p.get(key, "false").lower()
    if value not in ("true", "false"):
        raise HTTPError(400, f"{key} must be true or false")
    return value == "true"


def http_date(stored: str) -> str:
    parsed = dt.datetime.strptime(stored[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=dt.UTC)
    return parsed.strftime("%a, %d %b %Y %H:%M:%S GMT")
