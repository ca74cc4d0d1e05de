"""Connection settings: options, environment, config file; secrets never shown."""

from __future__ import annotations

import pytest

from toolkit.errors import ConfigError
from toolkit.records.client import Connection, load_config, resolve_connection


def test_options_beat_environment_beat_file(tmp_path):
    cfg = tmp_path / "records.toml"
    cfg.write_text('[lrs]\nendpoint = "http://file.example/xapi/"\nusername = "fileuser"\npassword = "filepw"\n'
                   '[learners]\nhomepages = ["https://a.example", "https://b.example"]\n', encoding="utf-8")
    config = load_config(cfg)
    env = {"TOOLKIT_LRS_USERNAME": "envuser"}
    c = resolve_connection(endpoint="http://opt.example/xapi", config=config, env=env)
    assert c.endpoint == "http://opt.example/xapi/"
    assert c.username == "envuser" and c.password == "filepw"
    assert c.homepages == ("https://a.example", "https://b.example")
    c2 = resolve_connection(config=config, env={"TOOLKIT_ACTOR_HOMEPAGE": "https://x.example, https://y.example"})
    assert c2.homepages == ("https://x.example", "https://y.example")


def test_default_homepage_and_missing_settings():
    c = resolve_connection("http://h/xapi/", "u", "p", env={})
    assert c.homepages == ("https://lms.example.dk",)
    with pytest.raises(ConfigError, match="password"):
        resolve_connection("http://h/xapi/", "u", None, env={"XDG_CONFIG_HOME": "/nonexistent"})


def test_password_never_in_repr_or_errors():
    c = Connection("http://h/xapi/", "reader", "s3cret-æøå")
    assert "s3cret" not in repr(c) and "s3cret" not in str(c)
    with pytest.raises(ConfigError) as err:
        resolve_connection("http://reader:s3cret@h/xapi/", "u", "s3cret", env={})
    assert "s3cret" not in str(err.value)


def test_bad_toml_gives_path_and_line(tmp_path):
    cfg = tmp_path / "records.toml"
    cfg.write_text('[lrs]\nendpoint = "http://x"\nusername = \n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"records\.toml:3: not valid TOML"):
        load_config(cfg)


def test_unknown_section_and_missing_named_file(tmp_path):
    cfg = tmp_path / "records.toml"
    cfg.write_text("[lsr]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown section"):
        load_config(cfg)
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.toml")
    assert load_config(None, env={"XDG_CONFIG_HOME": str(tmp_path / "empty")}) == {}


def test_endpoint_must_be_http():
    with pytest.raises(ConfigError, match="http"):
        resolve_connection("ftp://x/xapi/", "u", "p", env={})
