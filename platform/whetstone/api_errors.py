"""One error shape for the whole API: {"detail": str, "errors": {field: [str]}}.

A client (the console, a CI script) can always show `detail` to a person and
place `errors` next to the fields they name.
"""

from django.db import InterfaceError, OperationalError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

DATABASE_RETRY_AFTER_S = 5


def exception_handler(exc, context):
    if isinstance(exc, (OperationalError, InterfaceError)):
        # The database restarting or unreachable: the client may simply try again, and a 503 with
        # Retry-After says so, where a 500 would say the server is broken.
        return Response({"detail": "The database is unavailable for a moment. "
                                   f"Try again in {DATABASE_RETRY_AFTER_S} seconds.", "errors": {}},
                        status=status.HTTP_503_SERVICE_UNAVAILABLE,
                        headers={"Retry-After": str(DATABASE_RETRY_AFTER_S)})
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(data, dict) and set(data) == {"detail"}:
        response.data = {"detail": str(data["detail"]), "errors": {}}
    elif isinstance(data, dict):
        errors = {key: value if isinstance(value, list) else [value] for key, value in data.items()}
        first = next(iter(errors.values()), [""])
        # A message that already begins with its field's name ("shapes names dims ...") is not prefixed again.
        summary = "; ".join(
            text if text.startswith(str(key)) else f"{key}: {text}"
            for key, text in ((key, " ".join(map(str, msgs))) for key, msgs in errors.items()))
        response.data = {"detail": summary or str(first[0]), "errors": errors}
    elif isinstance(data, list):
        response.data = {"detail": " ".join(map(str, data)), "errors": {}}
    return response
