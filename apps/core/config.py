"""Mattermost-style settings, read once from the environment.

Each setting keeps Mattermost's own environment name (``MM_<SECTION>_<SETTING>``) and
default, so an operator's existing configuration carries over. The dataclass below is the
single source of truth: settings.py loads it, and the README's configuration table lists
the same names (a test keeps the two in step).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# The API level this server speaks on /api/v4 (and reports in X-Version-Id).
SERVER_VERSION = "10.3.0"
# The last server generation that served /api/v3; its ping reports this version.
V3_SERVER_VERSION = "4.10.0"
# FileSettings.DriverName values we serve files with.
FILE_DRIVER_LOCAL = "local"
FILE_DRIVER_S3 = "amazons3"
FILE_DRIVERS = (FILE_DRIVER_LOCAL, FILE_DRIVER_S3)
# Mattermost's default S3 endpoint: AWS itself, where the SDK picks the regional host.
AWS_S3_ENDPOINT = "s3.amazonaws.com"
# The Mattermost release whose /api/v1 this server reproduces; v1 ETags start with it.
V1_SERVER_VERSION = "1.4.0"


# A PostgreSQL text search configuration name, optionally schema-qualified. It is written
# into SQL (the expression index and the queries must spell the same constant), so only
# plain identifiers pass.
TEXT_SEARCH_CONFIG = re.compile(r"[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?")


def _setting(env: str, default: Any, doc: str, *, secret: bool = False) -> Any:
    # A secret stays out of the dataclass's repr, so it never lands in a log or a traceback.
    return field(default=default, repr=not secret, metadata={"env": env, "doc": doc})


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ConfigError(ValueError):
    """An environment variable holds a value of the wrong kind."""


def _parse(env: str, raw: str, kind: type) -> Any:
    value = raw.strip()
    if kind is bool:
        lowered = value.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ConfigError(f"{env} must be true or false, not {raw!r}")
    if kind is int:
        try:
            return int(value)
        except ValueError:
            raise ConfigError(f"{env} must be an integer, not {raw!r}") from None
    return value


@dataclass(frozen=True)
class MattermostConfig:
    site_url: str = _setting(
        "MM_SERVICESETTINGS_SITEURL", "", "Public URL of the server, e.g. https://chat.example.com."
    )
    enable_developer: bool = _setting(
        "MM_SERVICESETTINGS_ENABLEDEVELOPER",
        False,
        "Show `detailed_error` in error bodies (off: it is always empty).",
    )
    maximum_login_attempts: int = _setting(
        "MM_SERVICESETTINGS_MAXIMUMLOGINATTEMPTS",
        10,
        "Failed logins before an account is locked.",
    )
    maximum_payload_size_bytes: int = _setting(
        "MM_SERVICESETTINGS_MAXIMUMPAYLOADSIZEBYTES",
        300000,
        "Largest request body accepted (413 above it).",
    )
    maximum_url_length: int = _setting(
        "MM_SERVICESETTINGS_MAXIMUMURLLENGTH", 2048, "Longest request URI accepted (414 above it)."
    )
    session_length_web_in_hours: int = _setting(
        "MM_SERVICESETTINGS_SESSIONLENGTHWEBINHOURS", 720, "Lifetime of a login session."
    )
    session_length_sso_in_hours: int = _setting(
        "MM_SERVICESETTINGS_SESSIONLENGTHSSOINHOURS",
        720,
        "Lifetime of a session opened by single sign-on, OAuth apps' access tokens included.",
    )
    session_cache_in_minutes: int = _setting(
        "MM_SERVICESETTINGS_SESSIONCACHEINMINUTES",
        10,
        "How long a resolved session token stays in the cache.",
    )
    strict_csrf_enforcement: bool = _setting(
        "MM_SERVICESETTINGS_EXPERIMENTALSTRICTCSRFENFORCEMENT",
        False,
        "Refuse cookie-authenticated writes that lack X-CSRF-Token even when they carry "
        "X-Requested-With: XMLHttpRequest.",
    )
    trusted_proxy_ip_header: str = _setting(
        "MM_SERVICESETTINGS_TRUSTEDPROXYIPHEADER",
        "",
        "Comma-separated headers holding the client address behind a proxy "
        "(e.g. X-Forwarded-For,X-Real-IP). Empty: use the socket address.",
    )
    login_lockout_minutes: int = _setting(
        "MM_SERVICESETTINGS_LOGINLOCKOUTMINUTES",
        15,
        "How long a lockout after too many failed logins lasts (0: until an admin resets it). "
        "Not a Mattermost setting: there a lockout lasts until reset.",
    )
    max_file_size: int = _setting(
        "MM_FILESETTINGS_MAXFILESIZE",
        104857600,
        "Largest file upload accepted, e.g. a profile image (413 above it).",
    )
    enable_file_attachments: bool = _setting(
        "MM_FILESETTINGS_ENABLEFILEATTACHMENTS", True, "Let users upload files to channels."
    )
    enable_public_link: bool = _setting(
        "MM_FILESETTINGS_ENABLEPUBLICLINK",
        False,
        "Let users share a file through a public link that needs no login.",
    )
    public_link_salt: str = _setting(
        "MM_FILESETTINGS_PUBLICLINKSALT",
        "",
        "Salt of the public links' hashes (empty: derived from the secret key).",
        secret=True,
    )
    file_driver_name: str = _setting(
        "MM_FILESETTINGS_DRIVERNAME",
        FILE_DRIVER_LOCAL,
        "Where uploaded files are kept: local (a directory) or amazons3 (S3-compatible).",
    )
    file_directory: str = _setting(
        "MM_FILESETTINGS_DIRECTORY",
        "",
        "Directory of the local driver (empty: files/ in the data directory).",
    )
    amazon_s3_access_key_id: str = _setting(
        "MM_FILESETTINGS_AMAZONS3ACCESSKEYID", "", "S3 access key id (empty: boto3's own lookup)."
    )
    amazon_s3_secret_access_key: str = _setting(
        "MM_FILESETTINGS_AMAZONS3SECRETACCESSKEY", "", "S3 secret access key.", secret=True
    )
    amazon_s3_bucket: str = _setting(
        "MM_FILESETTINGS_AMAZONS3BUCKET", "", "S3 bucket (required with amazons3)."
    )
    amazon_s3_path_prefix: str = _setting(
        "MM_FILESETTINGS_AMAZONS3PATHPREFIX", "", "Folder inside the bucket for every file."
    )
    amazon_s3_region: str = _setting(
        "MM_FILESETTINGS_AMAZONS3REGION", "", "S3 region (empty: the SDK's default)."
    )
    amazon_s3_endpoint: str = _setting(
        "MM_FILESETTINGS_AMAZONS3ENDPOINT",
        AWS_S3_ENDPOINT,
        "S3 host[:port], e.g. minio:9000 for a self-hosted store.",
    )
    amazon_s3_ssl: bool = _setting(
        "MM_FILESETTINGS_AMAZONS3SSL", True, "Talk to the S3 endpoint over HTTPS."
    )
    enable_user_access_tokens: bool = _setting(
        "MM_SERVICESETTINGS_ENABLEUSERACCESSTOKENS",
        False,
        "Let users create personal access tokens and authenticate with them.",
    )
    enable_bot_account_creation: bool = _setting(
        "MM_SERVICESETTINGS_ENABLEBOTACCOUNTCREATION",
        False,
        "Let users with the create_bot permission create bot accounts through the API.",
    )
    disable_bots_when_owner_is_deactivated: bool = _setting(
        "MM_SERVICESETTINGS_DISABLEBOTSWHENOWNERISDEACTIVATED",
        True,
        "Deactivating a user also disables the bots they own.",
    )
    enable_incoming_webhooks: bool = _setting(
        "MM_SERVICESETTINGS_ENABLEINCOMINGWEBHOOKS",
        True,
        "Let users manage incoming webhooks and let those webhooks post.",
    )
    enable_outgoing_webhooks: bool = _setting(
        "MM_SERVICESETTINGS_ENABLEOUTGOINGWEBHOOKS",
        True,
        "Let users manage outgoing webhooks and let those webhooks be called.",
    )
    enable_commands: bool = _setting(
        "MM_SERVICESETTINGS_ENABLECOMMANDS",
        True,
        "Let users create custom slash commands and let those commands run.",
    )
    enable_oauth_service_provider: bool = _setting(
        "MM_SERVICESETTINGS_ENABLEOAUTHSERVICEPROVIDER",
        False,
        "Let this server act as an OAuth 2.0 provider for registered apps.",
    )
    outgoing_integration_requests_timeout: int = _setting(
        "MM_SERVICESETTINGS_OUTGOINGINTEGRATIONREQUESTSTIMEOUT",
        30,
        "Seconds the server waits for an outgoing webhook or slash command URL to answer.",
    )
    allowed_untrusted_internal_connections: str = _setting(
        "MM_SERVICESETTINGS_ALLOWEDUNTRUSTEDINTERNALCONNECTIONS",
        "",
        "Hosts, addresses or CIDR ranges on internal networks that integration URLs may reach.",
    )
    enable_post_username_override: bool = _setting(
        "MM_SERVICESETTINGS_ENABLEPOSTUSERNAMEOVERRIDE",
        False,
        "Let webhook posts show a username of their own instead of their creator's.",
    )
    enable_post_icon_override: bool = _setting(
        "MM_SERVICESETTINGS_ENABLEPOSTICONOVERRIDE",
        False,
        "Let webhook posts show an icon of their own instead of their creator's picture.",
    )
    enable_api_team_deletion: bool = _setting(
        "MM_SERVICESETTINGS_ENABLEAPITEAMDELETION",
        False,
        "Allow DELETE /api/v4/teams/{team_id}?permanent=true (system admins only).",
    )
    enable_channel_viewed_messages: bool = _setting(
        "MM_SERVICESETTINGS_ENABLECHANNELVIEWEDMESSAGES",
        True,
        "Tell a user's other sessions when they read channels (multiple_channels_viewed).",
    )
    enable_api_channel_deletion: bool = _setting(
        "MM_SERVICESETTINGS_ENABLEAPICHANNELDELETION",
        False,
        "Allow DELETE /api/v4/channels/{channel_id}?permanent=true (system admins only).",
    )
    post_edit_time_limit: int = _setting(
        "MM_SERVICESETTINGS_POSTEDITTIMELIMIT",
        -1,
        "Seconds after posting during which a post's message may be edited (-1: always).",
    )
    enable_api_post_deletion: bool = _setting(
        "MM_SERVICESETTINGS_ENABLEAPIPOSTDELETION",
        False,
        "Allow DELETE /api/v4/posts/{post_id}?permanent=true (system admins only).",
    )
    password_minimum_length: int = _setting(
        "MM_PASSWORDSETTINGS_MINIMUMLENGTH", 8, "Shortest password accepted (at least 5)."
    )
    show_email_address: bool = _setting(
        "MM_PRIVACYSETTINGS_SHOWEMAILADDRESS", True, "Let users see each other's email address."
    )
    show_full_name: bool = _setting(
        "MM_PRIVACYSETTINGS_SHOWFULLNAME", True, "Let users see each other's first and last name."
    )
    enable_user_creation: bool = _setting(
        "MM_TEAMSETTINGS_ENABLEUSERCREATION", True, "Allow new accounts to be created at all."
    )
    enable_sign_up_with_email: bool = _setting(
        "MM_EMAILSETTINGS_ENABLESIGNUPWITHEMAIL", True, "Allow sign-up with email and password."
    )
    enable_sign_in_with_email: bool = _setting(
        "MM_EMAILSETTINGS_ENABLESIGNINWITHEMAIL", True, "Allow logging in with an email address."
    )
    enable_sign_in_with_username: bool = _setting(
        "MM_EMAILSETTINGS_ENABLESIGNINWITHUSERNAME", True, "Allow logging in with a username."
    )
    enable_user_deactivation: bool = _setting(
        "MM_TEAMSETTINGS_ENABLEUSERDEACTIVATION",
        False,
        "Let users deactivate their own account (admins always may).",
    )
    enable_team_creation: bool = _setting(
        "MM_TEAMSETTINGS_ENABLETEAMCREATION",
        True,
        "Let users who are not system admins create teams through API v1.",
    )
    max_users_per_team: int = _setting(
        "MM_TEAMSETTINGS_MAXUSERSPERTEAM", 50, "Most active members a team may have."
    )
    enable_open_server: bool = _setting(
        "MM_TEAMSETTINGS_ENABLEOPENSERVER",
        False,
        "Let anyone sign up without an invitation.",
    )
    enable_post_search: bool = _setting(
        "MM_SERVICESETTINGS_ENABLEPOSTSEARCH",
        True,
        "Allow searching posts (off: the search routes answer 501).",
    )
    default_text_search_config: str = _setting(
        "MM_SQLSETTINGS_DEFAULTTEXTSEARCHCONFIG",
        "english",
        "PostgreSQL text search configuration post search stems and indexes with.",
    )
    rate_limit_enable: bool = _setting(
        "MM_RATELIMITSETTINGS_ENABLE", False, "Turn API rate limiting on."
    )
    rate_limit_per_sec: int = _setting(
        "MM_RATELIMITSETTINGS_PERSEC", 10, "Sustained requests per second allowed per client."
    )
    rate_limit_max_burst: int = _setting(
        "MM_RATELIMITSETTINGS_MAXBURST",
        100,
        "Requests a client may make beyond the sustained rate in a burst.",
    )
    rate_limit_vary_by_remote_addr: bool = _setting(
        "MM_RATELIMITSETTINGS_VARYBYREMOTEADDR", True, "Count requests per client address."
    )
    rate_limit_vary_by_user: bool = _setting(
        "MM_RATELIMITSETTINGS_VARYBYUSER",
        False,
        "Count requests per auth token (per address for anonymous requests).",
    )
    rate_limit_vary_by_header: str = _setting(
        "MM_RATELIMITSETTINGS_VARYBYHEADER",
        "",
        "Also count separately per value of this request header.",
    )

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> MattermostConfig:
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            env = f.metadata["env"]
            if env in environ:
                values[f.name] = _parse(env, environ[env], type(f.default))
        config = cls(**values)
        config.validate()
        return config

    def validate(self) -> None:
        if self.rate_limit_per_sec < 1:
            raise ConfigError("MM_RATELIMITSETTINGS_PERSEC must be at least 1")
        if self.rate_limit_max_burst < 0:
            raise ConfigError("MM_RATELIMITSETTINGS_MAXBURST must not be negative")
        if self.password_minimum_length < 5:
            raise ConfigError("MM_PASSWORDSETTINGS_MINIMUMLENGTH must be at least 5")
        if not TEXT_SEARCH_CONFIG.fullmatch(self.default_text_search_config):
            raise ConfigError(
                "MM_SQLSETTINGS_DEFAULTTEXTSEARCHCONFIG must name a text search configuration, "
                "e.g. english or public.my_config"
            )
        if min(self.maximum_payload_size_bytes, self.maximum_url_length, self.max_file_size) < 1:
            raise ConfigError("payload, URL and file size limits must be positive")
        if self.outgoing_integration_requests_timeout < 1:
            raise ConfigError(
                "MM_SERVICESETTINGS_OUTGOINGINTEGRATIONREQUESTSTIMEOUT must be at least 1"
            )
        if self.file_driver_name not in FILE_DRIVERS:
            raise ConfigError(
                f"MM_FILESETTINGS_DRIVERNAME must be one of {', '.join(FILE_DRIVERS)}, "
                f"not {self.file_driver_name!r}"
            )
        if self.file_driver_name == FILE_DRIVER_S3 and not self.amazon_s3_bucket:
            raise ConfigError("MM_FILESETTINGS_AMAZONS3BUCKET is required with amazons3")

    @property
    def trusted_proxy_headers(self) -> list[str]:
        return [h.strip() for h in self.trusted_proxy_ip_header.split(",") if h.strip()]

    def client_config_hash(self) -> str:
        """A fingerprint of the settings clients see; it changes whenever they change."""
        public = {
            "SiteURL": self.site_url,
            "EnableOpenServer": self.enable_open_server,
            "ShowEmailAddress": self.show_email_address,
            "ShowFullName": self.show_full_name,
            "EnableUserCreation": self.enable_user_creation,
            "EnableSignUpWithEmail": self.enable_sign_up_with_email,
            "EnableSignInWithEmail": self.enable_sign_in_with_email,
            "EnableSignInWithUsername": self.enable_sign_in_with_username,
            "PasswordMinimumLength": self.password_minimum_length,
            "EnableUserAccessTokens": self.enable_user_access_tokens,
            "EnableBotAccountCreation": self.enable_bot_account_creation,
            "EnableIncomingWebhooks": self.enable_incoming_webhooks,
            "EnablePostUsernameOverride": self.enable_post_username_override,
            "EnablePostIconOverride": self.enable_post_icon_override,
            "EnableOutgoingWebhooks": self.enable_outgoing_webhooks,
            "EnableCommands": self.enable_commands,
            "EnableOAuthServiceProvider": self.enable_oauth_service_provider,
        }
        return hashlib.md5(
            json.dumps(public, sort_keys=True).encode(), usedforsecurity=False
        ).hexdigest()


def documented_settings() -> list[tuple[str, Any, str]]:
    """(environment name, default, description) for every Mattermost-style setting."""
    return [
        (f.metadata["env"], f.default, f.metadata["doc"])
        for f in dataclasses.fields(MattermostConfig)
    ]


def file_storage_backend(config: MattermostConfig, default_directory: str) -> dict[str, Any]:
    """Django STORAGES["default"] for the FileSettings: a local directory, or an
    S3-compatible bucket through django-storages."""
    if config.file_driver_name == FILE_DRIVER_LOCAL:
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": config.file_directory or default_directory},
        }
    options: dict[str, Any] = {
        "bucket_name": config.amazon_s3_bucket,
        "location": config.amazon_s3_path_prefix.strip("/"),
        "use_ssl": config.amazon_s3_ssl,
        # Every name is unique (it holds the file id), and reads go through the server.
        "file_overwrite": True,
        "querystring_auth": False,
        "default_acl": None,
    }
    if config.amazon_s3_access_key_id:
        options["access_key"] = config.amazon_s3_access_key_id
        options["secret_key"] = config.amazon_s3_secret_access_key
    if config.amazon_s3_region:
        options["region_name"] = config.amazon_s3_region
    if config.amazon_s3_endpoint and config.amazon_s3_endpoint != AWS_S3_ENDPOINT:
        scheme = "https" if config.amazon_s3_ssl else "http"
        options["endpoint_url"] = f"{scheme}://{config.amazon_s3_endpoint}"
        # Self-hosted stores (MinIO ...) rarely have a DNS name per bucket.
        options["addressing_style"] = "path"
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


def database_from_url(url: str, sqlite_default: str) -> dict[str, Any]:
    """Django DATABASES["default"] for a DATABASE_URL (empty: the embedded SQLite file)."""
    from urllib.parse import parse_qs, unquote, urlsplit

    if not url:
        return _sqlite(sqlite_default)
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        # sqlite:///relative.db and sqlite:////absolute/path.db
        path = unquote(parts.path[1:] if parts.path.startswith("/") else parts.path)
        return _sqlite(path or sqlite_default)
    if parts.scheme in {"postgres", "postgresql", "pgsql"}:
        options = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "OPTIONS": options,
        }
    raise ConfigError(f"DATABASE_URL scheme {parts.scheme!r} is not supported (sqlite, postgres)")


def _sqlite(path: str) -> dict[str, Any]:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        "OPTIONS": {
            # WAL lets readers run beside a writer; IMMEDIATE transactions take the write
            # lock up front and the timeout makes a second writer wait for it instead of
            # failing with "database is locked".
            "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }
