from rest_framework.routers import SimpleRouter

from .uploads import UploadViewSet
from .views import ModelViewSet, VersionViewSet

router = SimpleRouter()
router.register("models", ModelViewSet, basename="model")
router.register(r"models/(?P<model_id>[0-9]+)/versions", VersionViewSet, basename="model-version")
router.register("uploads", UploadViewSet, basename="upload")
urlpatterns = router.urls
