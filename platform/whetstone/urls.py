from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

api_v1 = [
    path("auth/", include("accounts.api.urls")),
    path("", include("accounts.api.team_urls")),
    path("", include("modelhub.api.urls")),
    path("", include("jobs.api.urls")),
    path("", include("deployments.api.urls")),
    path("", include("notifications.api.urls")),
    path("", include("fleet.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("", include("console.urls")),
]
