"""Errors speak problem details with stable codes on the API and HTML on the console."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import TestClient

from server.errors import error_catalogue
from tests.conftest import api_login

Client = TestClient[Litestar]


def test_health_check_reaches_the_database(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_unknown_api_path_is_a_problem_document(client: Client) -> None:
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == "not_found"
    assert body["status"] == 404
    assert body["title"]


def test_malformed_input_names_the_field(client: Client) -> None:
    headers = api_login(client, "A0001")
    response = client.get("/api/v1/assets", params={"limit": "lots"}, headers=headers)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_request"
    assert any(error.get("key") == "limit" for error in body["errors"])

    bad_json = client.post(
        "/api/v1/auth/login", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert bad_json.status_code == 400
    assert bad_json.json()["code"] == "invalid_request"


def test_oversized_body_is_refused_with_413(client: Client) -> None:
    response = client.post(
        "/api/v1/auth/login",
        content=b'{"employee_no": "' + b"9" * (2 * 1024 * 1024) + b'"}',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"


def test_console_errors_are_html_pages(client: Client) -> None:
    response = client.get("/desk/no-such-page")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "<html" in response.text


def test_openapi_schema_is_published(client: Client) -> None:
    response = client.get("/schema/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/assets" in paths
    assert "/api/v1/auth/login" in paths
    assert not any(path.startswith("/desk") for path in paths)


def test_error_catalogue_has_unique_codes_with_statuses() -> None:
    catalogue = error_catalogue()
    assert catalogue["too_many_attempts"][0] == 429
    assert catalogue["refresh_reused"][0] == 401
    assert catalogue["database_unavailable"][0] == 503
    assert all(100 <= status < 600 for status, _ in catalogue.values())
