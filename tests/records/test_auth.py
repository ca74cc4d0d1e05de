"""Password hashes, users files and signed cookies."""

from __future__ import annotations

import pytest

from toolkit.errors import ConfigError
from toolkit.records.auth import (
    Signer,
    Throttle,
    hash_password,
    load_users,
    parse_user,
    verify_password,
)


def test_hash_and_verify():
    h = hash_password("rød grød med fløde")
    assert h.startswith("scrypt$") and "fløde" not in h
    assert verify_password("rød grød med fløde", h)
    assert not verify_password("rod grod med flode", h)
    assert not verify_password("anything", None)
    assert hash_password("x") != hash_password("x")  # salted


def test_plain_password_is_refused():
    with pytest.raises(ConfigError, match="not a hash"):
        parse_user("mette:hemmelig")
    with pytest.raises(ConfigError, match="NAME:PASSWORD_HASH"):
        parse_user("mette")


def test_users_file_errors_have_path_and_line(tmp_path):
    good = hash_password("korrekt-hest-batteri")
    f = tmp_path / "users.txt"
    f.write_text(f"# caseworkers\nmette:{good}\n\nole:plain\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"users\.txt:4"):
        load_users(users_file=f, env={})
    f.write_text(f"mette:{good}\n", encoding="utf-8")
    users = load_users([f"ole:{good}"], f, env={"TOOLKIT_RECORDS_USERS": f"kim:{good}"},
                       config={"web": {"users": {"lis": good}}})
    assert sorted(users) == ["kim", "lis", "mette", "ole"]


def test_signer_rejects_tampering_other_purpose_and_expiry():
    s = Signer(b"k" * 32)
    token = s.sign("session", {"u": "mette"}, 60)
    assert s.unsign("session", token)["u"] == "mette"
    assert s.unsign("login", token) is None
    _body, mac = token.split(".")
    forged = Signer(b"x" * 32).sign("session", {"u": "admin"}, 60).split(".")[0] + "." + mac
    assert s.unsign("session", forged) is None
    assert s.unsign("session", s.sign("session", {"u": "mette"}, -1)) is None
    assert s.unsign("session", "garbage") is None


def test_throttle_blocks_after_limit():
    t = Throttle(limit=2, window=60)
    assert not t.blocked("k")
    t.fail("k")
    t.fail("k")
    assert t.blocked("k")
    t.clear("k")
    assert not t.blocked("k")
