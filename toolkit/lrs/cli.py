"""`toolkit lrs ...` commands: serve, and manage credentials."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Any

import click

DEFAULT_DB_HELP = "Database URL: a SQLite file path (default: $TOOLKIT_DATA_DIR/lrs.sqlite3 or ./data/lrs.sqlite3) or postgresql://..."


def default_db() -> str:
    data = Path(os.environ.get("TOOLKIT_DATA_DIR", "data"))
    return str(data / "lrs.sqlite3")


@click.group(name="lrs")
def lrs() -> None:
    """Run and administer the built-in Learning Record Store."""


@lrs.command()
@click.option("--db", default=None, help=DEFAULT_DB_HELP)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@click.option("--cors-origin", "cors", multiple=True, help="Allowed browser origin (repeatable; '*' or 'null' allowed).")
@click.option("--rate", default=200.0, show_default=True,
              help="Write requests per second per restricted credential (0: no limit).")
@click.option("--burst", default=1000, show_default=True, type=click.IntRange(1),
              help="Write requests a restricted credential may send at once before --rate applies.")
@click.option("--rate-per-address", "rate_address", default=20.0, show_default=True,
              help="Write requests per second per client address, for restricted credentials (0: no limit).")
@click.option("--rate-all", default=0.0, show_default=True,
              help="Write requests per second per 'all' credential (0: no limit, as conformance tests need).")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Server processes; more than one needs PostgreSQL, which they share.")
@click.option("--pool-size", default=10, show_default=True, type=click.IntRange(1, 200),
              help="PostgreSQL connections per worker.")
@click.option("--trusted-proxy", "proxies", multiple=True, default=["127.0.0.1", "::1"], show_default=True,
              help="IP address or network (CIDR) of a reverse proxy whose X-Forwarded-For names the client "
                   "(repeatable; the per-address limits and the login throttle then see the real client; "
                   "'none': trust no proxy).")
def serve(db: str | None, host: str, port: int, cors: tuple[str, ...], rate: float, burst: int, rate_address: float,
          rate_all: float, workers: int, pool_size: int, proxies: tuple[str, ...]) -> None:
    """Serve xAPI 1.0.3 at http://HOST:PORT/xapi/."""
    import json

    import uvicorn

    from toolkit.errors import ConfigError
    from toolkit.lrs.app import ENV, create_app

    url = db or default_db()
    postgres = url.startswith("postgres")
    if workers > 1 and not postgres:
        raise ConfigError("--workers above 1 needs a PostgreSQL database (--db postgresql://...): SQLite is one process")
    options: dict[str, Any] = {"cors_origins": list(cors), "rate": rate, "burst": burst, "rate_address": rate_address,
                               "rate_all": rate_all, "base_url": f"http://{host}:{port}/", "pool_size": pool_size}
    # uvicorn trusts X-Forwarded-For only from these addresses (its own setting, read by every worker).
    os.environ["FORWARDED_ALLOW_IPS"] = ",".join(trusted_proxies(proxies))
    where = "PostgreSQL" if postgres else "SQLite " + url
    click.echo(f"LRS on http://{host}:{port}/xapi/ ({where}, {workers} worker{'s' if workers > 1 else ''})")
    if workers == 1:
        uvicorn.run(create_app(url, **options), host=host, port=port, log_level="warning")
        return
    from toolkit.lrs import workers as pool

    os.environ[ENV] = json.dumps({"db_url": url, **options})
    pool.run(host, port, workers)


@lrs.group()
def credentials() -> None:
    """Add, list and revoke LRS credentials (stored hashed)."""


@credentials.command("add")
@click.argument("name")
@click.option("--scope", "scopes", multiple=True, required=True,
              help="all, statements/write, statements/read or state (repeatable).")
@click.option("--password", default=None, help="The secret; without it, one is generated and printed once.")
@click.option("--activity-prefix", "prefixes", multiple=True, help="Only statements about activity ids with this prefix.")
@click.option("--homepage", default=None, help="Only statements whose actor account has this homePage.")
@click.option("--db", default=None, help=DEFAULT_DB_HELP)
def add(name: str, scopes: tuple[str, ...], password: str | None, prefixes: tuple[str, ...], homepage: str | None,
        db: str | None) -> None:
    """Create a credential NAME (its Basic-auth user name)."""
    from toolkit.lrs.auth import add_credential
    from toolkit.lrs.storage import open_storage

    storage = open_storage(db or default_db())
    key, secret = add_credential(storage, name, list(scopes), password, list(prefixes), homepage)
    click.echo(f"Added credential '{key}' with scope {', '.join(scopes)}.")
    if password is None:
        click.echo(f"Secret (shown once): {secret}")


@credentials.command("list")
@click.option("--db", default=None, help=DEFAULT_DB_HELP)
def list_(db: str | None) -> None:
    """List credentials (never their secrets)."""
    from toolkit.lrs.storage import open_storage

    for c in open_storage(db or default_db()).credentials():
        limits = []
        if c["activity_prefixes"]:
            limits.append("activities " + ", ".join(c["activity_prefixes"]))
        if c["homepage"]:
            limits.append(f"homePage {c['homepage']}")
        state = "revoked" if c["revoked"] else "active"
        click.echo(f"{c['key']}\t{','.join(c['scopes'])}\t{state}\t{'; '.join(limits) or '-'}")


@credentials.command()
@click.argument("name")
@click.option("--db", default=None, help=DEFAULT_DB_HELP)
def revoke(name: str, db: str | None) -> None:
    """Revoke a credential; it stops working at once, in every server process."""
    from toolkit.errors import ConfigError
    from toolkit.lrs.storage import open_storage

    if open_storage(db or default_db()).revoke(name) == 0:
        raise ConfigError(f"no credential named '{name}'")
    click.echo(f"Revoked '{name}'.")


def trusted_proxies(values: tuple[str, ...]) -> list[str]:
    """The --trusted-proxy values as uvicorn takes them: IP addresses and networks only.  A host
    name would never match, and '*' would trust any client to name its own address."""
    from toolkit.errors import ConfigError

    out = []
    for value in (v.strip() for v in values):
        if value.lower() == "none":
            continue
        try:
            out.append(str(ipaddress.ip_network(value, strict=False)) if "/" in value else str(ipaddress.ip_address(value)))
        except ValueError:
            raise ConfigError(f"--trusted-proxy {value!r} is not an IP address or network (CIDR)") from None
    return out

