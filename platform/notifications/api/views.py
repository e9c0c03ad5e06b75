from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from notifications.models import Webhook
from notifications.selectors import delivery_list, webhook_list
from notifications.services import WebhookRejected, webhook_create

from .serializers import (
    CreatedWebhookSerializer,
    WebhookDeliverySerializer,
    WebhookRequestSerializer,
    WebhookSerializer,
)


@extend_schema_view(
    list=extend_schema(tags=["notifications"], summary="Your webhooks and your teams'"),
    retrieve=extend_schema(tags=["notifications"], summary="A webhook"),
    destroy=extend_schema(tags=["notifications"], summary="Delete a webhook"),
)
class WebhookViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin,
                     viewsets.GenericViewSet):
    serializer_class = WebhookSerializer
    token_scopes = {"create": "admin", "destroy": "admin"}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Webhook.objects.none()
        return webhook_list(user=self.request.user)

    @extend_schema(
        tags=["notifications"],
        summary="Add a webhook: a signed POST (X-Whetstone-Signature: sha256=HMAC of the body) when a job ends; "
                "the signing secret is shown in this answer only",
        request=WebhookRequestSerializer,
        responses={201: CreatedWebhookSerializer},
    )
    def create(self, request):
        payload = WebhookRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        team = None
        if payload.validated_data.get("team"):
            team = request.user.teams.filter(pk=payload.validated_data["team"]).first()
            if team is None:
                raise ValidationError({"team": ["You are not a member of that team."]})
        try:
            hook = webhook_create(owner=request.user, url=payload.validated_data["url"], team=team)
        except WebhookRejected as exc:
            raise ValidationError({exc.field: [str(exc)]}) from exc
        return Response(CreatedWebhookSerializer(hook).data, status=status.HTTP_201_CREATED)

    @extend_schema(tags=["notifications"], summary="The delivery history of a webhook",
                   responses={200: WebhookDeliverySerializer(many=True)})
    @action(detail=True, methods=["get"])
    def deliveries(self, request, pk=None):
        page = self.paginate_queryset(delivery_list(webhook=self.get_object()))
        return self.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)
