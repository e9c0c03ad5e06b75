"""Deliveries recorded before the history kept only the status held the first 300
characters of what the far end answered ("HTTP 500: <body>"); keep "HTTP 500" of them."""

import re

from django.db import migrations

_WITH_BODY = re.compile(r"^(HTTP \d{3}): ", re.S)


def forget_response_bodies(apps, schema_editor):
    WebhookDelivery = apps.get_model("notifications", "WebhookDelivery")
    for delivery in WebhookDelivery.objects.filter(error__startswith="HTTP ").only("pk", "error").iterator():
        match = _WITH_BODY.match(delivery.error)
        if match:
            delivery.error = match.group(1)
            delivery.save(update_fields=["error"])


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]

    operations = [migrations.RunPython(forget_response_bodies, migrations.RunPython.noop)]
