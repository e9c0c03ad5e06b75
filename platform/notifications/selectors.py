from django.db.models import Q, QuerySet

from .models import Webhook, WebhookDelivery


def webhook_list(*, user) -> QuerySet[Webhook]:
    """The webhooks a user manages: their own, and those of their teams."""
    return Webhook.objects.filter(Q(owner=user) | Q(team__members=user)).distinct().select_related("team")


def delivery_list(*, webhook: Webhook) -> QuerySet[WebhookDelivery]:
    return webhook.deliveries.all()
