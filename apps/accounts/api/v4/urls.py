from django.urls import path

from apps.accounts.api.v4 import preferences, status
from apps.accounts.api.v4.views import LogoutView, UserMeView

urlpatterns = [
    path("users/me", UserMeView.as_view(), name="user-me"),
    path("users/logout", LogoutView.as_view(), name="user-logout"),
]

urlpatterns += [*preferences.urlpatterns, *status.urlpatterns]
