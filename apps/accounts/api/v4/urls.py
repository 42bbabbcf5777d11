from django.urls import path

from apps.accounts.api.v4 import (
    bots,
    images,
    preferences,
    sessions_tokens,
    status,
    user_changes,
    user_queries,
    views,
)

urlpatterns = [
    path("users", views.UsersView.as_view(), name="users"),
    path("users/login", views.LoginView.as_view(), name="user-login"),
    path("users/logout", views.LogoutView.as_view(), name="user-logout"),
    *user_queries.urlpatterns,
    path(
        "users/username/<str:username>", views.UserByUsernameView.as_view(), name="user-by-username"
    ),
    path("users/email/<str:email>", views.UserByEmailView.as_view(), name="user-by-email"),
    *user_changes.urlpatterns,
    *preferences.urlpatterns,
    *status.urlpatterns,
    *images.urlpatterns,
    *sessions_tokens.urlpatterns,
    *bots.urlpatterns,
    # Last: a one-segment users/<user_id> would otherwise take users/tokens and the like.
    path("users/<str:user_id>", views.UserView.as_view(), name="user"),
]
