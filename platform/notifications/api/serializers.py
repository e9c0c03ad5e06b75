from rest_framework import serializers

from notifications.models import Webhook, WebhookDelivery


class WebhookRequestSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=500, help_text="An http(s) URL on the public internet; loopback, private, "
                               "link-local and metadata addresses are refused unless the operator allows them.")
    team = serializers.IntegerField(required=False, allow_null=True, help_text="Announce the jobs of a whole team.")


class WebhookSerializer(serializers.ModelSerializer):
    class Meta:
        model = Webhook
        fields = ["id", "url", "team", "active", "created_at"]
        read_only_fields = fields


class CreatedWebhookSerializer(WebhookSerializer):
    """The answer to creating a webhook: the only time its signing secret is shown."""

    class Meta(WebhookSerializer.Meta):
        fields = [*WebhookSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class WebhookDeliverySerializer(serializers.ModelSerializer):
    error = serializers.CharField(
        read_only=True,
        help_text="Why the last attempt failed: the HTTP status (\"HTTP 500\"), a connection failure, or the "
                  "outbound rule that refused the target. Never what the receiver answered.",
    )

    class Meta:
        model = WebhookDelivery
        fields = ["id", "job", "event", "payload", "status", "attempts", "response_status", "error",
                  "created_at", "delivered_at"]
        read_only_fields = fields
