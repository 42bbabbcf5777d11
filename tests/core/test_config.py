from __future__ import annotations

from pathlib import Path

import pytest

from apps.core.config import ConfigError, MattermostConfig, database_from_url, documented_settings

README = Path(__file__).resolve().parents[2] / "README.md"


def test_defaults_are_mattermosts() -> None:
    config = MattermostConfig.from_environ({})
    assert config.enable_open_server is False
    assert config.maximum_login_attempts == 10
    assert config.rate_limit_enable is False
    assert (config.rate_limit_per_sec, config.rate_limit_max_burst) == (10, 100)
    assert config.rate_limit_vary_by_remote_addr is True


def test_environment_overrides() -> None:
    config = MattermostConfig.from_environ(
        {
            "MM_TEAMSETTINGS_ENABLEOPENSERVER": "true",
            "MM_RATELIMITSETTINGS_PERSEC": " 25 ",
            "MM_SERVICESETTINGS_SITEURL": "https://chat.example.com",
            "MM_SERVICESETTINGS_TRUSTEDPROXYIPHEADER": "X-Forwarded-For, X-Real-IP",
        }
    )
    assert config.enable_open_server is True
    assert config.rate_limit_per_sec == 25
    assert config.site_url == "https://chat.example.com"
    assert config.trusted_proxy_headers == ["X-Forwarded-For", "X-Real-IP"]


@pytest.mark.parametrize(
    "env",
    [
        {"MM_TEAMSETTINGS_ENABLEOPENSERVER": "maybe"},
        {"MM_RATELIMITSETTINGS_PERSEC": "ten"},
        {"MM_RATELIMITSETTINGS_PERSEC": "0"},
        {"MM_RATELIMITSETTINGS_MAXBURST": "-1"},
        # written into SQL, so only a plain (schema-qualified) name passes
        {"MM_SQLSETTINGS_DEFAULTTEXTSEARCHCONFIG": "english'); DROP TABLE posts; --"},
        {"MM_SQLSETTINGS_DEFAULTTEXTSEARCHCONFIG": ""},
    ],
)
def test_bad_values_are_refused_at_start(env: dict[str, str]) -> None:
    with pytest.raises(ConfigError):
        MattermostConfig.from_environ(env)


def test_text_search_config_may_be_schema_qualified() -> None:
    env = {"MM_SQLSETTINGS_DEFAULTTEXTSEARCHCONFIG": "public.chat_english"}
    assert MattermostConfig.from_environ(env).default_text_search_config == "public.chat_english"
    assert MattermostConfig.from_environ({}).default_text_search_config == "english"


def test_readme_documents_every_setting() -> None:
    text = README.read_text()
    for env, _default, _doc in documented_settings():
        assert f"`{env}`" in text, f"{env} is missing from the README"


def test_database_url_selects_the_engine(tmp_path: Path) -> None:
    default = database_from_url("", str(tmp_path / "db.sqlite3"))
    assert default["ENGINE"] == "django.db.backends.sqlite3"
    assert default["NAME"] == str(tmp_path / "db.sqlite3")
    assert "journal_mode=WAL" in default["OPTIONS"]["init_command"]
    assert default["OPTIONS"]["transaction_mode"] == "IMMEDIATE"

    pg = database_from_url("postgres://mm:s%40cret@db.internal:5433/chat?sslmode=require", "")
    assert pg["ENGINE"] == "django.db.backends.postgresql"
    assert (pg["USER"], pg["PASSWORD"], pg["HOST"], pg["PORT"], pg["NAME"]) == (
        "mm",
        "s@cret",
        "db.internal",
        "5433",
        "chat",
    )
    assert pg["OPTIONS"] == {"sslmode": "require"}

    assert database_from_url("sqlite:////var/lib/chat.db", "")["NAME"] == "/var/lib/chat.db"
    with pytest.raises(ConfigError):
        database_from_url("mysql://x/y", "")
