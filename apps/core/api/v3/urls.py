from django.urls import path

from apps.core.api.v3.views import GeneralPingView

urlpatterns = [
    path("general/ping", GeneralPingView.as_view(), name="general-ping"),
]
