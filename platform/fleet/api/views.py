from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from fleet.selectors import hardware_overview

from .serializers import HardwareClassSerializer


class HardwareView(APIView):
    """The fleet's machines by hardware class. Any signed-in user may read it: it describes
    machines, never a tenant's jobs or models. Members' names are internal addresses (an engine's
    URL, a worker's host name): staff see them, everyone else an opaque label that stays the same
    for a member, so that no user learns where the platform's machines are."""

    @extend_schema(
        tags=["hardware"],
        summary="The hardware classes present, with their online workers and serving engines",
        description="A job targets one class (`hardware_class` in an optimization request) and runs only on a "
                    "worker of that class; a package deploys to an engine of the class it was measured on. A "
                    "member is online while it was heard from within the heartbeat timeout.",
        responses={200: HardwareClassSerializer(many=True)},
    )
    def get(self, request):
        overview = hardware_overview()
        if not request.user.is_staff:
            for entry in overview:
                for kind in ("workers", "engines"):
                    for member in entry[kind]:
                        member["name"] = opaque_name(kind[:-1], member["name"])
        return Response(HardwareClassSerializer(overview, many=True).data)


def opaque_name(kind: str, name: str) -> str:
    """A stable label for a member that says nothing of its address (keyed with the secret key, so
    that a guessed address cannot be confirmed by hashing it)."""
    import hashlib
    import hmac

    from django.conf import settings

    digest = hmac.new(settings.SECRET_KEY.encode(), name.encode(), hashlib.sha256).hexdigest()[:10]
    return f"{kind}-{digest}"
