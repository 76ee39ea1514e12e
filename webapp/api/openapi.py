"""The OpenAPI 3 document, built from what each `@api_route` declares.

A route declares: summary, tags, auth (bool), request (a schema), responses
({status: schema or None}), parameters (query parameters). Schemas are plain
JSON-schema dicts or `ref("Name")` to a component registered with `schema()`.
"""
import re

_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        }
    },
}

PAGE_PARAMETERS = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1}},
    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}},
]


def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def list_of(item_schema):
    return {
        "type": "object",
        "required": ["items", "page", "per_page", "total"],
        "properties": {
            "items": {"type": "array", "items": item_schema},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "total": {"type": "integer"},
        },
    }


def openapi_path(rule):
    return _PARAM.sub(lambda m: "{" + m.group(2) + "}", rule)


class Registry:
    def __init__(self):
        self.operations = {}
        self.schemas = {"Error": ERROR_SCHEMA}

    def schema(self, name, definition):
        self.schemas[name] = definition
        return ref(name)

    def add(self, rule, method, fn, summary="", tags=(), auth=False, request=None, responses=None,
            parameters=(), paginated=False, endpoint=None, description=""):
        path = openapi_path("/api/v1" + rule)
        op = {
            "operationId": f"{method.lower()}_{endpoint or fn.__name__}",
            "summary": summary or (fn.__doc__ or "").strip().split("\n")[0],
            "tags": list(tags),
            "responses": {},
        }
        if description:
            op["description"] = description
        params = [
            {"name": name, "in": "path", "required": True,
             "schema": {"type": "integer" if conv == "int" else "string"}}
            for conv, name in _PARAM.findall(rule)
        ]
        params += list(parameters)
        if paginated:
            params += PAGE_PARAMETERS
        if params:
            op["parameters"] = params
        if request is not None:
            op["requestBody"] = {"required": True, "content": {"application/json": {"schema": request}}}
        for status, schema in (responses or {200: None}).items():
            body = {"description": _status_text(status)}
            if schema is not None:
                body["content"] = {"application/json": {"schema": schema}}
            op["responses"][str(status)] = body
        error_statuses = {"400", "422"} if request is not None else set()
        if auth:
            op["security"] = [{"bearerAuth": []}]
            error_statuses |= {"401"}
        if params and any(p["in"] == "path" for p in params):
            error_statuses.add("404")
        for status in sorted(error_statuses):
            op["responses"].setdefault(status, {
                "description": _status_text(int(status)),
                "content": {"application/json": {"schema": ref("Error")}},
            })
        self.operations.setdefault(path, {})[method.lower()] = op

    def document(self):
        return {
            "openapi": "3.0.3",
            "info": {
                "title": "科技工作者之家 API",
                "version": "1.0.0",
                "description": "JSON API for mobile clients of Scientists' Home. Lists are "
                               "{items, page, per_page, total}; errors are {error: {code, message, fields}}.",
            },
            "servers": [{"url": "/"}],
            "paths": {p: self.operations[p] for p in sorted(self.operations)},
            "components": {
                "schemas": self.schemas,
                "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
            },
        }


_STATUS = {200: "OK", 201: "Created", 204: "No Content", 400: "Malformed request", 401: "Authentication required",
           403: "Forbidden", 404: "Not found", 409: "Conflict", 422: "Validation error", 429: "Too many requests"}


def _status_text(status):
    return _STATUS.get(int(status), "Response")


registry = Registry()
