"""Where files are stored, from the FileSettings: a local directory by default, an
S3-compatible bucket with the amazons3 driver (built here without touching the network)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import LazySettings
from django.core.files.storage import FileSystemStorage, storages
from storages.backends.s3 import S3Storage

from apps.core.config import ConfigError, MattermostConfig, file_storage_backend


def storage_from(environ: dict[str, str], default_directory: str = "/srv/data/files") -> Any:
    backend = file_storage_backend(MattermostConfig.from_environ(environ), default_directory)
    return backend["BACKEND"], backend["OPTIONS"]


def test_local_directory_by_default() -> None:
    assert storage_from({}) == (
        "django.core.files.storage.FileSystemStorage",
        {"location": "/srv/data/files"},
    )
    _, options = storage_from({"MM_FILESETTINGS_DIRECTORY": "/mnt/chat"})
    assert options == {"location": "/mnt/chat"}


def test_a_self_hosted_s3_store(tmp_path: Path) -> None:
    backend, options = storage_from(
        {
            "MM_FILESETTINGS_DRIVERNAME": "amazons3",
            "MM_FILESETTINGS_AMAZONS3BUCKET": "chat-files",
            "MM_FILESETTINGS_AMAZONS3ENDPOINT": "minio:9000",
            "MM_FILESETTINGS_AMAZONS3SSL": "false",
            "MM_FILESETTINGS_AMAZONS3REGION": "eu-west-1",
            "MM_FILESETTINGS_AMAZONS3PATHPREFIX": "/mattermost/",
            "MM_FILESETTINGS_AMAZONS3ACCESSKEYID": "AKIDEXAMPLE",
            "MM_FILESETTINGS_AMAZONS3SECRETACCESSKEY": "wJalrXUtnFEMI",
        }
    )
    assert backend == "storages.backends.s3.S3Storage"
    storage = S3Storage(**options)
    assert (storage.bucket_name, storage.location) == ("chat-files", "mattermost")
    assert (storage.access_key, storage.secret_key) == ("AKIDEXAMPLE", "wJalrXUtnFEMI")
    assert storage.region_name == "eu-west-1"
    assert storage.endpoint_url == "http://minio:9000"
    assert storage.use_ssl is False
    # Path-style addresses under the prefix; reads never get signed URLs (they go through us).
    assert storage.url("20250101/report.pdf") == (
        "http://minio:9000/chat-files/mattermost/20250101/report.pdf"
    )


def test_aws_itself() -> None:
    _, options = storage_from(
        {
            "MM_FILESETTINGS_DRIVERNAME": "amazons3",
            "MM_FILESETTINGS_AMAZONS3BUCKET": "chat-files",
            "MM_FILESETTINGS_AMAZONS3REGION": "us-east-2",
        }
    )
    # The SDK picks the regional endpoint and finds credentials on its own.
    assert "endpoint_url" not in options
    assert "access_key" not in options
    storage = S3Storage(**options)
    assert storage.use_ssl is True
    assert storage.url("a.txt").startswith("https://chat-files.s3.")


@pytest.mark.parametrize(
    "environ",
    [
        {"MM_FILESETTINGS_DRIVERNAME": "azureblob"},
        {"MM_FILESETTINGS_DRIVERNAME": "amazons3"},  # no bucket
        {"MM_FILESETTINGS_AMAZONS3SSL": "sometimes"},
    ],
)
def test_bad_file_settings_stop_the_server(environ: dict[str, str]) -> None:
    with pytest.raises(ConfigError):
        MattermostConfig.from_environ(environ)


def test_secrets_stay_out_of_the_config_repr() -> None:
    config = MattermostConfig.from_environ(
        {
            "MM_FILESETTINGS_AMAZONS3SECRETACCESSKEY": "wJalrXUtnFEMI",
            "MM_FILESETTINGS_PUBLICLINKSALT": "pepper",
        }
    )
    assert "wJalrXUtnFEMI" not in repr(config)
    assert "pepper" not in repr(config)


def test_django_storage_follows_the_settings(settings: LazySettings) -> None:
    config = MattermostConfig.from_environ(
        {"MM_FILESETTINGS_DRIVERNAME": "amazons3", "MM_FILESETTINGS_AMAZONS3BUCKET": "b"}
    )
    settings.STORAGES = {**settings.STORAGES, "default": file_storage_backend(config, "/x")}
    assert isinstance(storages["default"], S3Storage)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": file_storage_backend(MattermostConfig(), "/srv/files"),
    }
    local = storages["default"]
    assert isinstance(local, FileSystemStorage)
    assert local.location == "/srv/files"
