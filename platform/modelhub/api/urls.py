from rest_framework.routers import SimpleRouter

from .views import ModelViewSet

router = SimpleRouter()
router.register("models", ModelViewSet, basename="model")
urlpatterns = router.urls
