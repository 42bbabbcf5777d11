from django.urls import path

from apps.accounts.api.v4 import sessions_tokens, views

urlpatterns = [
    path("users", views.UsersView.as_view(), name="users"),
    path("users/login", views.LoginView.as_view(), name="user-login"),
    path("users/logout", views.LogoutView.as_view(), name="user-logout"),
    path(
        "users/username/<str:username>", views.UserByUsernameView.as_view(), name="user-by-username"
    ),
    path("users/email/<str:email>", views.UserByEmailView.as_view(), name="user-by-email"),
    path("users/<str:user_id>", views.UserView.as_view(), name="user"),
]
# Before the last route, the one-segment users/<user_id>, which would take GET users/tokens.
urlpatterns[-1:-1] = sessions_tokens.urlpatterns
