from django.urls import path, re_path

from apps.accounts.api.v3 import preferences, profiles, sessions, status, user_changes, users

# What v3's router let through for usernames and for preference categories and names.
USERNAME = r"[A-Za-z0-9_\-.]+"
KEY = "[A-Za-z0-9_]+"
CHANNEL = "teams/<v3id:team_id>/channels/<v3id:channel_id>"

urlpatterns = [
    path("users/create", users.UserCreateView.as_view(), name="user-create"),
    path("users/login", users.LoginView.as_view(), name="user-login"),
    path("users/logout", users.LogoutView.as_view(), name="user-logout"),
    path("users/me", users.MeView.as_view(), name="user-me"),
    path("users/mfa", users.MfaCheckView.as_view(), name="user-mfa"),
    path("users/initial_load", users.InitialLoadView.as_view(), name="user-initial-load"),
    path("users/update", user_changes.UserUpdateView.as_view(), name="user-update"),
    path("users/update_active", user_changes.UserActiveView.as_view(), name="user-active"),
    path("users/update_notify", user_changes.UserNotifyView.as_view(), name="user-notify"),
    path("users/newpassword", user_changes.NewPasswordView.as_view(), name="user-password"),
    path("users/newimage", user_changes.NewImageView.as_view(), name="user-new-image"),
    path("users/revoke_session", sessions.RevokeSessionView.as_view(), name="revoke-session"),
    path("users/attach_device", sessions.AttachDeviceView.as_view(), name="attach-device"),
    path("users/ids", profiles.UsersByIdsView.as_view(), name="users-by-ids"),
    path("users/search", profiles.UserSearchView.as_view(), name="users-search"),
    path("users/autocomplete", profiles.UserAutocompleteView.as_view(), name="users-autocomplete"),
    path("users/status", status.StatusesView.as_view(), name="user-statuses"),
    path("users/status/ids", status.StatusesByIdsView.as_view(), name="user-statuses-by-ids"),
    path("users/direct_profiles", profiles.DirectProfilesView.as_view(), name="direct-profiles"),
    path(
        "users/profiles/<v3id:team_id>", profiles.TeamProfilesView.as_view(), name="team-profiles"
    ),
    re_path(
        rf"^users/name/(?P<username>{USERNAME})$",
        profiles.UserByUsernameView.as_view(),
        name="user-by-username",
    ),
    path("users/email/<str:email>", profiles.UserByEmailView.as_view(), name="user-by-email"),
    path("users/<int:offset>/<int:limit>", profiles.UsersWindowView.as_view(), name="users"),
    path("users/<v3id:user_id>/get", profiles.UserGetView.as_view(), name="user-get"),
    path("users/<v3id:user_id>/sessions", sessions.UserSessionsView.as_view(), name="sessions"),
    path("users/<v3id:user_id>/image", user_changes.ProfileImageView.as_view(), name="user-image"),
    path(
        "users/<v3id:user_id>/update_roles",
        user_changes.UserRolesView.as_view(),
        name="user-roles",
    ),
    path(
        "teams/<v3id:team_id>/users/<int:offset>/<int:limit>",
        profiles.TeamUsersWindowView.as_view(),
        name="team-user-profiles",
    ),
    path(
        "teams/<v3id:team_id>/users/autocomplete",
        profiles.TeamUserAutocompleteView.as_view(),
        name="team-user-autocomplete",
    ),
    path(
        f"{CHANNEL}/users/<int:offset>/<int:limit>",
        profiles.ChannelUsersWindowView.as_view(),
        name="channel-user-profiles",
    ),
    path(
        f"{CHANNEL}/users/not_in_channel/<int:offset>/<int:limit>",
        profiles.ChannelNonMembersWindowView.as_view(),
        name="channel-non-member-profiles",
    ),
    path(
        f"{CHANNEL}/users/autocomplete",
        profiles.ChannelUserAutocompleteView.as_view(),
        name="channel-user-autocomplete",
    ),
    path("preferences/", preferences.PreferencesView.as_view(), name="preferences"),
    path("preferences/save", preferences.PreferencesSaveView.as_view(), name="preferences-save"),
    path(
        "preferences/delete",
        preferences.PreferencesDeleteView.as_view(),
        name="preferences-delete",
    ),
    re_path(
        rf"^preferences/(?P<category>{KEY})$",
        preferences.PreferenceCategoryView.as_view(),
        name="preferences-category",
    ),
    re_path(
        rf"^preferences/(?P<category>{KEY})/(?P<name>{KEY})$",
        preferences.PreferenceView.as_view(),
        name="preference",
    ),
]
