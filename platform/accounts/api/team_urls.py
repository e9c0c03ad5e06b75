from rest_framework.routers import SimpleRouter

from .tokens import TeamInvitationViewSet, TeamViewSet

router = SimpleRouter()
router.register("teams", TeamViewSet, basename="team")
router.register("team-invitations", TeamInvitationViewSet, basename="team-invitation")
urlpatterns = router.urls
