"""The API's own routes: the OpenAPI document."""
from webapp.api import api_route
from webapp.api.openapi import registry


@api_route("/openapi.json", methods=["GET"], summary="The OpenAPI 3 document describing every API route",
           tags=["meta"], responses={200: {"type": "object"}})
def openapi_document():
    return registry.document()
