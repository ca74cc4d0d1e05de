"""Reading statements from any xAPI 1.0.3 LRS through the ``tincan`` library.

Only standard statement query parameters are used (agent, verb, activity,
related_activities, registration, since, until, limit) and ``more`` links are
followed, so any conformant LRS works, not only the built-in one.

Connection settings come, first found wins, from command-line options, the
environment (``TOOLKIT_LRS_ENDPOINT``, ``TOOLKIT_LRS_USERNAME``,
``TOOLKIT_LRS_PASSWORD``, ``TOOLKIT_ACTOR_HOMEPAGE``) and a TOML file
(``--config FILE``, ``TOOLKIT_RECORDS_CONFIG``, or
``~/.config/toolkit/records.toml``).  The password is never printed.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import http.client
import json
import os
import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from toolkit.errors import ConfigError, ToolkitError

DEFAULT_HOMEPAGE = "https://lms.example.dk"
PAGE_SIZE = 500
MAX_PAGES = 100_000
SECTIONS = ("lrs", "learners", "web", "invitations")


class LRSError(ToolkitError):
    """The LRS could not be reached or refused a query."""


@dataclass(frozen=True)
class Connection:
    endpoint: str
    username: str
    password: str = field(repr=False)
    homepages: tuple[str, ...] = (DEFAULT_HOMEPAGE,)

    def __repr__(self) -> str:  # the password never appears in logs or tracebacks
        return f"Connection(endpoint={self.endpoint!r}, username={self.username!r}, password='***')"


def default_config_path(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    if env.get("TOOLKIT_RECORDS_CONFIG"):
        return Path(env["TOOLKIT_RECORDS_CONFIG"])
    base = Path(env["XDG_CONFIG_HOME"]) if env.get("XDG_CONFIG_HOME") else Path.home() / ".config"
    return base / "toolkit" / "records.toml"


def load_config(path: Path | None, env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The records TOML file as a dict; {} when no file was named and none exists."""
    named = path is not None
    path = path or default_config_path(env)
    if not path.is_file():
        if named:
            raise ConfigError(f"{path}: config file not found")
        return {}
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"at line (\d+)", str(exc))
        line = m.group(1) if m else "1"
        raise ConfigError(f"{path}:{line}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    for section in SECTIONS:
        if section in data and not isinstance(data[section], dict):
            raise ConfigError(f"{path}: [{section}] must be a table")
    unknown = set(data) - set(SECTIONS)
    if unknown:
        raise ConfigError(f"{path}: unknown section(s) {', '.join(sorted(unknown))}; known: {', '.join(SECTIONS)}")
    return data


def resolve_connection(endpoint: str | None = None, username: str | None = None, password: str | None = None,
                       homepages: tuple[str, ...] = (), config: Mapping[str, Any] | None = None,
                       env: Mapping[str, str] | None = None) -> Connection:
    """Settings from options, then environment, then the config file."""
    env = os.environ if env is None else env
    lrs = dict((config or {}).get("lrs", {}))
    learners = dict((config or {}).get("learners", {}))

    def pick(option: str | None, var: str, key: str) -> str | None:
        value = option or env.get(var) or lrs.get(key)
        return str(value) if value else None

    ep = pick(endpoint, "TOOLKIT_LRS_ENDPOINT", "endpoint")
    user = pick(username, "TOOLKIT_LRS_USERNAME", "username")
    pw = pick(password, "TOOLKIT_LRS_PASSWORD", "password")
    missing = [name for name, v in (("endpoint", ep), ("username", user), ("password", pw)) if not v]
    if missing:
        raise ConfigError(
            f"LRS {', '.join(missing)} not set: use --endpoint/--username/--password, the environment "
            f"(TOOLKIT_LRS_ENDPOINT, TOOLKIT_LRS_USERNAME, TOOLKIT_LRS_PASSWORD) or [lrs] in {default_config_path(env)}")
    assert ep and user and pw
    parsed = urlparse(ep)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise ConfigError(f"LRS endpoint must be an http(s) URL, got {ep!r}")
    if parsed.username or parsed.password:
        raise ConfigError("LRS endpoint must not contain a user name or password; use --username/--password")
    if not ep.endswith("/"):
        ep += "/"
    if homepages:
        hp: tuple[str, ...] = tuple(homepages)
    elif env.get("TOOLKIT_ACTOR_HOMEPAGE"):
        hp = tuple(h.strip() for h in env["TOOLKIT_ACTOR_HOMEPAGE"].split(",") if h.strip())
    elif learners.get("homepages"):
        raw = learners["homepages"]
        hp = tuple(str(h) for h in (raw if isinstance(raw, list) else [raw]))
    else:
        hp = (DEFAULT_HOMEPAGE,)
    return Connection(endpoint=ep, username=user, password=pw, homepages=hp)


def _iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


@functools.cache
def _reader_class() -> type:
    """``tincan.RemoteLRS`` that hands back statement pages unparsed.

    tincan's own ``query_statements`` parses every statement into its object
    model, and that parser is stricter than xAPI: it rejects, for example,
    upper-case UUIDs, which a conformant LRS accepts and stores.  One such
    statement would make a whole lookup fail, so the pages are read as JSON
    here; the request itself (query parameters, agent JSON, auth, version
    header, ``more`` URLs) is still tincan's.
    """
    from tincan import RemoteLRS
    from tincan.http_request import HTTPRequest

    class ReadingLRS(RemoteLRS):  # type: ignore[misc]
        def query_statements(self, query: dict[str, Any]) -> Any:
            params: dict[str, Any] = {}
            for key, value in query.items():
                if value is None:
                    continue
                if key == "agent":
                    params[key] = value.to_json(self.version)
                elif key in ("verb", "activity"):
                    params[key] = value.id
                else:
                    params[key] = value
            request = HTTPRequest(method="GET", resource="statements")
            request.query_params = params
            return self._send_request(request)

        def more_statements(self, more_url: str) -> Any:
            return self._send_request(HTTPRequest(method="GET", resource=self.get_endpoint_server_root() + more_url))

    return ReadingLRS


class LRSClient:
    """A read-only statement reader over ``tincan.RemoteLRS`` (see :func:`_reader_class`)."""

    def __init__(self, connection: Connection, page_size: int = PAGE_SIZE) -> None:
        self.connection = connection
        self.page_size = page_size
        # tincan builds the Basic header from ASCII only; build it as UTF-8 so
        # passwords with æ, ø, å work.
        token = base64.b64encode(f"{connection.username}:{connection.password}".encode()).decode("ascii")
        self._lrs = _reader_class()(endpoint=connection.endpoint, auth=f"Basic {token}", version="1.0.3")

    def statements(self, *, agent: tuple[str, str] | None = None, activity: str | None = None,
                   related_activities: bool = False, verb: str | None = None, registration: str | None = None,
                   since: dt.datetime | None = None, until: dt.datetime | None = None) -> Iterator[dict[str, Any]]:
        """Every statement matching the query, following ``more`` links.

        *agent* is an account ``(homePage, name)``.
        """
        from tincan import Activity, Agent, AgentAccount, Verb

        query: dict[str, Any] = {"limit": self.page_size}
        if agent is not None:
            query["agent"] = Agent(account=AgentAccount(home_page=agent[0], name=agent[1]))
        if activity is not None:
            query["activity"] = Activity(id=activity)
            if related_activities:
                query["related_activities"] = "true"  # tincan would send Python's "True"
        if verb is not None:
            query["verb"] = Verb(id=verb)
        if registration is not None:
            query["registration"] = registration
        if since is not None:
            query["since"] = _iso(since)
        if until is not None:
            query["until"] = _iso(until)
        response = self._call(lambda: self._lrs.query_statements(query))
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            body = self._body(response)
            statements = body.get("statements")
            if not isinstance(statements, list):
                raise LRSError("the LRS answered without a statements list; is the endpoint an xAPI /xapi/ URL?")
            yield from (s for s in statements if isinstance(s, dict))
            more = body.get("more")
            if not more or more in seen:
                return
            seen.add(more)
            if re.match(r"^https?://", more):  # tincan prefixes the server root itself
                parsed = urlparse(more)
                more = parsed.path + (f"?{parsed.query}" if parsed.query else "")
            response = self._call(lambda m=more: self._lrs.more_statements(m))
        raise LRSError(f"the LRS kept sending 'more' links after {MAX_PAGES} pages")

    def _call(self, request: Any) -> Any:
        try:
            return request()
        except (OSError, http.client.HTTPException) as exc:
            reason = getattr(exc, "strerror", None) or exc.__class__.__name__
            raise LRSError(f"cannot reach the LRS at {self.connection.endpoint}: {reason}") from None
        except Exception as exc:  # anything else tincan raises while sending
            raise LRSError(f"the query to the LRS at {self.connection.endpoint} failed "
                           f"({exc.__class__.__name__})") from None

    def _body(self, response: Any) -> dict[str, Any]:
        if not response.success:
            status = getattr(response.response, "status", "?")
            if status in (401, 403):
                raise LRSError(f"the LRS at {self.connection.endpoint} refused the credentials of user "
                               f"{self.connection.username!r} (HTTP {status}); they need read access to statements")
            text = response.data.decode("utf-8", "replace") if isinstance(response.data, bytes) else str(response.data)
            raise LRSError(f"the LRS at {self.connection.endpoint} answered HTTP {status}: {text[:200]}")
        data = response.data
        try:
            body = json.loads(data.decode("utf-8") if isinstance(data, bytes) else data)
        except (ValueError, UnicodeDecodeError):
            raise LRSError("the LRS sent something that is not JSON") from None
        if not isinstance(body, dict):
            raise LRSError("the LRS sent JSON that is not a StatementResult")
        return body
