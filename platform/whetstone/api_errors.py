"""One error shape for the whole API: {"detail": str, "errors": {field: [str]}}.

A client (the console, a CI script) can always show `detail` to a person and
place `errors` next to the fields they name.
"""

from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(data, dict) and set(data) == {"detail"}:
        response.data = {"detail": str(data["detail"]), "errors": {}}
    elif isinstance(data, dict):
        errors = {key: value if isinstance(value, list) else [value] for key, value in data.items()}
        first = next(iter(errors.values()), [""])
        summary = "; ".join(f"{key}: {' '.join(map(str, msgs))}" for key, msgs in errors.items())
        response.data = {"detail": summary or str(first[0]), "errors": errors}
    elif isinstance(data, list):
        response.data = {"detail": " ".join(map(str, data)), "errors": {}}
    return response
