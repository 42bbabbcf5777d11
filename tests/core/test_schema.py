from __future__ import annotations

import re

import pytest
from django.test import Client
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("version", "expected_path"),
    [("v4", "/api/v4/system/ping"), ("v3", "/api/v3/general/ping"), ("v1", None)],
)
def test_each_version_has_a_valid_openapi_schema(
    client: Client, version: str, expected_path: str | None
) -> None:
    response = client.get(f"/schema/{version}?format=json")
    assert response.status_code == 200
    schema = response.json()
    validate(schema)
    assert schema["openapi"].startswith("3.")
    assert version in schema["info"]["version"]
    paths = set(schema["paths"])
    if expected_path:
        assert expected_path in paths
    # a version's schema lists only its own routes
    assert all(p.startswith(f"/api/{version}/") for p in paths)


def test_docs_page_loads_only_local_assets(client: Client) -> None:
    response = client.get("/docs/v4")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets
    for asset in assets:
        assert not asset.startswith(("http:", "https:", "//")), asset
    script = next(a for a in assets if a.endswith(".js"))
    assert client.get(script).status_code == 200
