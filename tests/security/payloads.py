"""Plausible request bodies built from the OpenAPI schema, so a new endpoint needs no hand-written body.

Every property is filled (optional ones too, so nested references such as `admission.facility_id`
are exercised): an enum its first value, a date (or a time) yesterday, a region code the given one, a month the
given month, an ID number a fresh valid one, any `…facility_id` the given facility. The access matrix
fills them with objects of another scope; the fuzzer varies them one field at a time.
"""
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import count

from django.utils import timezone

from tests.factories import make_id_number

_serials = count(400)


@dataclass(frozen=True)
class Fill:
    facility_id: int
    region_code: str
    month: date


def resolve(schema: dict, components: dict) -> dict:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def request_body(openapi: dict, path: str, method: str) -> tuple[str, dict] | None:
    """(media type, schema of the body) of an operation, or None when it takes no body."""
    definition = openapi["paths"][path][method.lower()].get("requestBody")
    if definition is None:
        return None
    media_type, content = next(iter(definition["content"].items()))
    return media_type, content["schema"]


def plausible(schema: dict, components: dict, fill: Fill, name: str = ""):
    schema = resolve(schema, components)
    for combinator in ("anyOf", "oneOf", "allOf"):
        if combinator in schema:
            options = [option for option in schema[combinator] if option.get("type") != "null"]
            return plausible(options[0], components, fill, name)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        if "properties" not in schema:
            return {}
        return {key: plausible(value, components, fill, key) for key, value in schema["properties"].items()
                if schema.get("format") != "binary" and value.get("format") != "binary"}
    if name.endswith("facility_id"):
        return fill.facility_id
    if schema.get("format") == "date":
        return (timezone.localdate() - timedelta(days=1)).isoformat()
    if schema.get("format") == "date-time":
        return (timezone.now() - timedelta(days=1)).isoformat()
    if kind == "integer":
        return max(schema.get("minimum", 1), 1)
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    if kind == "array":
        return []
    if name == "id_number":
        return make_id_number(born=date(1952, 2, 3), serial=next(_serials), region=fill.region_code[:6])
    if "\\d{6}" in schema.get("pattern", ""):
        return fill.region_code
    if "month" in name or "(0[1-9]|1[0-2])" in schema.get("pattern", ""):
        return fill.month.strftime("%Y-%m")
    return "测试"
