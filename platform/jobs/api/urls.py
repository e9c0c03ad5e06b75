from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import JobViewSet, ModelOptimizationsView

router = SimpleRouter()
router.register("jobs", JobViewSet, basename="job")
urlpatterns = [
    path("models/<int:model_id>/optimizations/", ModelOptimizationsView.as_view(), name="model-optimizations"),
    *router.urls,
]
