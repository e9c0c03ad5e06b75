from django.urls import path

from .views import HardwareView

urlpatterns = [path("hardware/", HardwareView.as_view(), name="hardware")]
