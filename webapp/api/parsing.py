"""Reading a request with its schema (webargs): the JSON body, a multipart form with its
files, or the query string. Every bad field at once is one 422 in our envelope; a body
that is not a JSON object is a 400 `malformed_json`."""
import json
from typing import ClassVar

from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import CombinedMultiDict, FileStorage, MultiDict

from webapp.api.fields import REQUIRED
from webapp.core.errors import ServiceError, ValidationError


def malformed():
    return ServiceError("请求体必须是 JSON 对象", code="malformed_json")


class ApiParser(FlaskParser):
    LOCATIONS: ClassVar[dict] = {"body": "load_body", "optional_body": "load_optional_body",
                                 "multipart": "load_multipart"}
    __location_map__: ClassVar[dict] = {**FlaskParser.__location_map__, **LOCATIONS}
    # None: the schema's own `unknown` (EXCLUDE for every RequestSchema).
    DEFAULT_UNKNOWN_BY_LOCATION: ClassVar[dict] = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
                                                   **dict.fromkeys(LOCATIONS)}

    def load_body(self, req, schema):
        if not req.is_json:
            raise malformed()
        try:
            data = json.loads(req.get_data(cache=True))
        except (ValueError, RecursionError):  # RecursionError: deeply nested arrays or objects
            raise malformed() from None
        if not isinstance(data, dict):
            raise malformed()
        return data

    def load_optional_body(self, req, schema):
        """The JSON object sent, or {} for an empty body (e.g. an optional note)."""
        return self.load_body(req, schema) if req.get_data(cache=True) else {}

    def load_multipart(self, req, schema):
        return self._makeproxy(_without_empty(CombinedMultiDict([req.form, req.files])), schema)

    def load_querystring(self, req, schema):
        return self._makeproxy(_without_empty(req.args), schema)

    def handle_error(self, error, req, schema, *, error_status_code, error_headers):
        (messages,) = error.messages.values()  # webargs files them under the location
        fields = first_messages(messages)
        # The service's word on a field that parsed, or that is missing (it says more than 必填).
        for name, message in schema.service_problems(error.valid_data or {}).items():
            if fields.get(name, REQUIRED) == REQUIRED:
                fields[name] = message
        raise ValidationError(schema.error_message, fields=fields)


def _without_empty(multidict):
    """A form or query string without its empty values: `?state=` is no state filter, and an
    empty file input no file."""
    return MultiDict([(key, value) for key, value in multidict.items(multi=True)
                      if not (value == "" or isinstance(value, FileStorage) and not value.filename)])


def first_messages(messages):
    """marshmallow's {field: [message, …] or nested} → {field: first message}."""
    def first(value):
        if isinstance(value, str):
            return value
        if isinstance(value, dict):
            return first(next(iter(value.values())))
        return first(value[0])

    return {name: first(value) for name, value in messages.items()}


parser = ApiParser()


def parse(schema, location):
    """The values of `schema` (a class) read from `location` of the current request."""
    return parser.parse(schema(), location=location)


def lenient_query(schema, args):
    """The values of a query `schema` for an HTML page: the API's filters, where a value
    the schema refuses is dropped (the page shows the list unfiltered by it) rather than
    answered with a 422."""
    from marshmallow import ValidationError as SchemaError

    data = {key: value for key, value in args.items() if value != ""}
    while True:
        try:
            return schema().load(data)
        except SchemaError as exc:
            bad = set(exc.messages) & set(data)
            if not bad:
                return schema().load({})
            for key in bad:
                del data[key]
