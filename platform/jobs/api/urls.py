from django.urls import path
from rest_framework.routers import SimpleRouter

from .analytics import SpeedupAnalyticsView
from .views import JobViewSet, ModelOptimizationsView

router = SimpleRouter()
router.register("jobs", JobViewSet, basename="job")
urlpatterns = [
    path("models/<int:model_id>/optimizations/", ModelOptimizationsView.as_view(), name="model-optimizations"),
    path("analytics/speedups/", SpeedupAnalyticsView.as_view(), name="analytics-speedups"),
    *router.urls,
]
