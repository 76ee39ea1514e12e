"""The OpenAPI 3.0.3 document, built by apispec from what each `@api_route` declares.

A route declares: summary, description, tags, auth, request (a `RequestSchema` for the
JSON body), multipart (one for a multipart body), query (a `QuerySchema`), responses
({status: response schema, None for no body, or a plain JSON-schema dict}) and errors
(further 4xx statuses). The error responses a route can always give (400/422 with a
body, 401 with auth, 404 with an id in the path, 422 with query filters) are added here.

Request bodies and list envelopes are inlined, as they always were; response schemas are
components named after their class (`UserSchema` → `User`).
"""
import re
from dataclasses import dataclass, field

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin, OpenAPIConverter
from apispec.ext.marshmallow.common import resolve_schema_cls

from webapp.api.fields import Computed
from webapp.api.schemas import ErrorSchema, RequestSchema, ResponseSchema
from webapp.core.idempotency import HEADER as IDEMPOTENCY_HEADER
from webapp.core.idempotency import HEADER_SCHEMA as IDEMPOTENCY_SCHEMA

_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")
ERROR = "#/components/schemas/Error"
INFO = {
    "title": "科技工作者之家 API",
    "version": "1.0.0",
    "description": "JSON API for mobile clients of Scientists' Home. Lists are "
                   "{items, page, per_page, total}; errors are {error: {code, message, fields}}.",
}
IDEMPOTENCY_DOC = ("A key chosen by the client (e.g. a UUID) to make a retry safe: the same key with the same "
                   "request within 24 hours gets the first response again (status and body) instead of "
                   "creating twice; the same key with another request is a 422 `idempotency_key_reused`.")
_STATUS = {200: "OK", 201: "Created", 204: "No Content", 400: "Malformed request", 401: "Authentication required",
           403: "Forbidden", 404: "Not found", 409: "Conflict", 422: "Validation error", 429: "Too many requests"}


def openapi_path(rule):
    return _PARAM.sub(lambda m: "{" + m.group(2) + "}", rule)


def component_name(schema):
    """Response schemas are components; request bodies and list envelopes are inlined."""
    cls = resolve_schema_cls(schema)
    if issubclass(cls, RequestSchema) or getattr(cls, "is_page", False):
        return None
    return cls.__name__.removesuffix("Schema")


class Converter(OpenAPIConverter):
    """apispec's converter, with: required fields in declaration order (every field of a
    response unless its Meta.required names fewer); responses closed to undeclared fields;
    nullable nested objects inlined with `nullable: true` (in 3.0.3 `nullable` next to a
    bare `$ref` admits no null); `Computed` fields described by what they return; query
    parameters never nullable."""

    def init_attribute_functions(self):
        super().init_attribute_functions()
        self.add_attribute_function(computed2properties)
        self.add_attribute_function(field2extra)

    def schema2jsonschema(self, schema):
        jsonschema = super().schema2jsonschema(schema)
        cls = resolve_schema_cls(schema)
        if issubclass(cls, ResponseSchema):
            promised = getattr(getattr(cls, "Meta", None), "required", None)
            jsonschema["required"] = [name for name in jsonschema["properties"] if promised is None or name in promised]
            jsonschema["additionalProperties"] = False
        return jsonschema

    def fields2jsonschema(self, fields, *, partial=None):
        jsonschema = {"type": "object", "properties": {}}
        required = []
        for name, field_obj in fields.items():
            key = field_obj.data_key or name
            jsonschema["properties"][key] = self.field2property(field_obj)
            if field_obj.required:
                required.append(key)
        if required:
            jsonschema["required"] = required
        return jsonschema

    def _field2parameter(self, field_obj, *, name, location):
        parameter = super()._field2parameter(field_obj, name=name, location=location)
        # A query parameter is absent or a string: never null.
        parameter["schema"].pop("nullable", None)
        if "enum" in parameter["schema"]:
            parameter["schema"]["enum"] = [v for v in parameter["schema"]["enum"] if v is not None]
        return parameter

    def field2read_only(self, field_obj, **kwargs):
        return {}  # every response field is dumped only; readOnly would say nothing

    def field2nullable(self, field_obj, ret):
        if not field_obj.allow_none:
            return {}
        ref = ret.pop("$ref", None)
        if ref is None and len(ret.get("allOf", ())) == 1 and "$ref" in ret["allOf"][0]:
            ref = ret.pop("allOf")[0]["$ref"]
        if ref is None:
            return {"nullable": True}
        component = self.spec.components.schemas[ref.rsplit("/", 1)[1]]
        return {**component, **ret, "nullable": True}


def computed2properties(self, field_obj, ret):
    if not isinstance(field_obj, Computed):
        return {}
    described = {"description": ret["description"]} if "description" in ret else {}
    return {**self.field2property(field_obj.returns), **described}


def field2extra(self, field_obj, ret):
    """Properties only known at run time (e.g. a configured maximum)."""
    return field_obj.openapi_properties() if hasattr(field_obj, "openapi_properties") else {}


@dataclass
class Operation:
    rule: str
    method: str
    operation_id: str
    summary: str = ""
    description: str = ""
    tags: tuple = ()
    auth: bool = False
    request: type = None
    multipart: type = None
    query: type = None
    responses: dict = field(default_factory=lambda: {200: None})
    errors: tuple = ()
    idempotent: bool = False
    # More media types of a status than its JSON (e.g. {200: {"text/csv": {...}}}).
    media: dict = field(default_factory=dict)

    def to_dict(self, converter):
        op = {"operationId": self.operation_id, "summary": self.summary, "tags": list(self.tags), "responses": {}}
        if self.description:
            op["description"] = self.description
        params = [{"name": name, "in": "path", "required": True,
                   "schema": {"type": "integer" if conv == "int" else "string"}}
                  for conv, name in _PARAM.findall(self.rule)]
        if self.query is not None:
            params += converter.schema2parameters(self.query, location="query")
        if self.idempotent:
            params.append({"name": IDEMPOTENCY_HEADER, "in": "header", "required": False,
                           "schema": dict(IDEMPOTENCY_SCHEMA), "description": IDEMPOTENCY_DOC})
        if params:
            op["parameters"] = params
        if self.request is not None:
            content = {"application/json": {"schema": converter.resolve_nested_schema(self.request)}}
            if self.multipart is not None:
                form = converter.resolve_nested_schema(self.multipart)
                content["multipart/form-data"] = {"schema": _without_nulls(form)}
            op["requestBody"] = {"required": True, "content": content}
        for status, schema in self.responses.items():
            body = {"description": _STATUS.get(status, "Response")}
            if isinstance(schema, dict):
                # A plain schema may name another media type (an iCalendar file, a CSV).
                plain = {k: v for k, v in schema.items() if k != "x-media-type"}
                body["content"] = {schema.get("x-media-type", "application/json"): {"schema": plain}}
            elif schema is not None:
                body["content"] = {"application/json": {"schema": converter.resolve_nested_schema(schema)}}
            for media, media_schema in self.media.get(status, {}).items():
                body.setdefault("content", {})[media] = {"schema": media_schema}
            op["responses"][str(status)] = body
        errors = set(self.errors)
        if self.request is not None:
            errors |= {400, 422}
        if self.idempotent:
            errors.add(422)  # a malformed key, or a key reused for another request
        if self.auth:
            op["security"] = [{"bearerAuth": []}]
            errors.add(401)
        if any(p["in"] == "path" for p in params):
            errors.add(404)
        if self.query is not None:  # a filter, or a page number, the schema refuses
            errors.add(422)
        for status in sorted(errors):
            op["responses"].setdefault(str(status), {
                "description": _STATUS.get(status, "Response"),
                "content": {"application/json": {"schema": {"$ref": ERROR}}},
            })
        return op


def _without_nulls(schema):
    """A multipart form carries strings and files, never a null: its optional fields are
    left out instead (a JSON body may say null for them)."""
    properties = {name: {k: v for k, v in prop.items() if k != "nullable"}
                  for name, prop in schema.get("properties", {}).items()}
    return {**schema, "properties": properties}


class Registry:
    def __init__(self):
        self.operations = {}

    def add(self, rule, method, fn, endpoint=None, summary="", **doc):
        operation = Operation(rule=rule, method=method, operation_id=f"{method.lower()}_{endpoint or fn.__name__}",
                              summary=summary or (fn.__doc__ or "").strip().split("\n")[0], **doc)
        self.operations.setdefault(openapi_path("/api/v1" + rule), {})[method.lower()] = operation

    def document(self):
        plugin = MarshmallowPlugin(schema_name_resolver=component_name)
        plugin.Converter = Converter
        spec = APISpec(title=INFO["title"], version=INFO["version"], openapi_version="3.0.3", plugins=[plugin],
                       info={"description": INFO["description"]}, servers=[{"url": "/"}])
        spec.components.schema("Error", schema=ErrorSchema)
        spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
        for path in sorted(self.operations):
            operations = {method: op.to_dict(plugin.converter) for method, op in self.operations[path].items()}
            spec.path(path=path, operations=operations)
        return spec.to_dict()


registry = Registry()
