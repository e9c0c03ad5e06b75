from rest_framework.routers import SimpleRouter

from .views import DeploymentViewSet

router = SimpleRouter()
router.register("deployments", DeploymentViewSet, basename="deployment")
urlpatterns = router.urls
