from django.urls import path, re_path

from . import views

urlpatterns = [
    path("", views.index, name="console"),
    # Client-side routes (/models/3, /jobs/7 ...); never shadows /api/ or assets.
    re_path(r"^(?!api/|assets/|static/)(?P<path>[\w\-/]*)$", views.index),
]
