from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views
from .tokens import PersonalTokenViewSet

router = SimpleRouter()
router.register("tokens", PersonalTokenViewSet, basename="personal-token")

urlpatterns = [
    path("token/", views.TokenView.as_view(), name="auth-token"),
    path("session/", views.SessionView.as_view(), name="auth-session"),
    path("me/", views.MeView.as_view(), name="auth-me"),
    *router.urls,
]
