from django.urls import path

from . import views

urlpatterns = [
    path("token/", views.TokenView.as_view(), name="auth-token"),
    path("session/", views.SessionView.as_view(), name="auth-session"),
    path("me/", views.MeView.as_view(), name="auth-me"),
]
