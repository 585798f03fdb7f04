"""/api/openapi.json is a valid OpenAPI 3.1 document, so /api/docs (swagger-ui) and client generators
can read it: no key twice in one object (a status added as "409" beside a handler's own 409 was
written twice, and swagger-ui refused the whole document with "duplicated mapping key"), the
document passes the OpenAPI 3.1 schema, and every `$ref` points at a component that exists."""
import json

import pytest
import schemathesis

pytestmark = pytest.mark.django_db


def _refuse_duplicates(pairs):
    keys = [key for key, _value in pairs]
    duplicated = sorted({key for key in keys if keys.count(key) > 1})
    assert not duplicated, f"keys written twice in one object: {duplicated}"
    return dict(pairs)


@pytest.fixture
def document(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return json.loads(response.content, object_pairs_hook=_refuse_duplicates)


def _refs(node):
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_the_document_writes_no_key_twice(document):
    assert document["openapi"].startswith("3.1")


def test_the_document_is_valid_openapi_3_1(document):
    schemathesis.openapi.from_dict(document).validate()  # raises with the first violation


def test_every_reference_points_at_a_component(document):
    components = document["components"]["schemas"]
    refs = set(_refs(document["paths"])) | set(_refs(components))
    assert refs
    missing = {ref for ref in refs if ref.removeprefix("#/components/schemas/") not in components}
    assert not missing


def test_a_handlers_own_conflict_answer_is_kept_once_beside_the_common_errors(document):
    responses = document["paths"]["/api/subsidies/batches/{batch_id}/submit"]["post"]["responses"]
    assert sorted(responses) == ["200", "401", "403", "404", "409", "422", "429"]
    assert responses["409"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")
    assert responses["403"]["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/ApiError"
