from drf_spectacular.utils import extend_schema_field
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

    next_attempt_at = serializers.SerializerMethodField(
        help_text="When a pending delivery's next attempt is due; null once it is delivered or failed.")

    class Meta:
        model = WebhookDelivery
        fields = ["id", "job", "event", "payload", "status", "attempts", "response_status", "error",
                  "created_at", "delivered_at", "next_attempt_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_next_attempt_at(self, delivery: WebhookDelivery) -> str | None:
        if delivery.status != WebhookDelivery.Status.PENDING:
            return None
        return serializers.DateTimeField().to_representation(delivery.next_attempt_at)
