"""The API's error answers, written into its OpenAPI document.

Every handler declares its success response; the errors come from config/api.py's exception
handlers, in one shape ({"code", "message", "message_en", "errors"}). This adds them to each
operation of /api/openapi.json, so a client (and schemathesis in tests/security) knows every status
it can receive:

- 401 wrong or missing credentials, 403 not allowed (or a session's write without its CSRF token),
  429 too many wrong tokens from the address: every operation;
- 400 a body that is not JSON (or form data): operations with a body;
- 422 parameters or a body that fail validation or a rule: operations with either;
- 409 someone else changed the object first (a service's "stale" error): every write;
- 404 the object does not exist or is out of the user's scope: operations with a path parameter,
  or whose query or body names another object (`…_id`).
"""
from ninja import Schema

# Keyed by int, as ninja keys the responses a handler declares (`response={200: …, 409: …}`): the
# same status under "409" and 409 would be written twice into the JSON document.
ERRORS = {
    400: "请求体无法解析 / the body cannot be parsed",
    401: "未登录或令牌无效 / not signed in, or the token is not valid",
    403: "无权执行此操作 / not allowed",
    404: "未找到，或不在您的范围内 / not found, or outside your scope",
    409: "已被他人修改，请刷新后重试 / changed by someone else first: reload and try again",
    422: "请求参数或数据有误 / invalid parameters or data",
    429: "失败次数过多，暂时锁定 / too many failed attempts, locked for a while",
}
REF = "#/components/schemas/ApiError"


class ApiFieldError(Schema):
    field: str
    message: str
    message_en: str


class ApiError(Schema):
    """The API's one error shape (config/api.py)."""

    code: str
    message: str
    message_en: str
    errors: list[ApiFieldError]


def _names_an_object(schema, components, seen=()) -> bool:
    """Whether a body schema has a property naming another object (`facility_id`, `to_facility_id` …)."""
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if ref:
            name = ref.rsplit("/", 1)[-1]
            return name not in seen and _names_an_object(components.get(name, {}), components, (*seen, name))
        if any(key.endswith("_id") for key in schema.get("properties", {})):
            return True
        return any(_names_an_object(value, components, seen) for value in schema.values())
    if isinstance(schema, list):
        return any(_names_an_object(value, components, seen) for value in schema)
    return False


def error_codes(method: str, operation: dict, components: dict) -> list[int]:
    parameters = operation.get("parameters", [])
    body = operation.get("requestBody")
    codes = [401, 403, 429]
    if body:
        codes.append(400)
    if parameters or body:
        codes.append(422)
    if method != "get":
        codes.append(409)
    names_an_object = any(p["in"] == "path" or p["name"].endswith("_id") for p in parameters)
    if names_an_object or (body and _names_an_object(body, components)):
        codes.append(404)
    return sorted(codes)


def add_error_responses(schema: dict) -> dict:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    definition = ApiError.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(definition.pop("$defs", {}))
    components["ApiError"] = definition
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            declared = {int(code) for code in responses}  # a handler's own answer for a status wins
            for code in error_codes(method, operation, components):
                if code in declared:
                    continue
                responses[code] = {
                    "description": ERRORS[code],
                    "content": {"application/json": {"schema": {"$ref": REF}}},
                }
    return schema


def document_errors(api) -> None:
    """Make `api.get_openapi_schema` list the error answers of every operation."""
    build = api.get_openapi_schema

    def get_openapi_schema(*args, **kwargs):
        return add_error_responses(build(*args, **kwargs))

    api.get_openapi_schema = get_openapi_schema
