from django.urls import path, re_path

from apps.core.api.v3 import views

urlpatterns = [
    path("general/ping", views.GeneralPingView.as_view(), name="general-ping"),
    path("general/client_props", views.ClientPropsView.as_view(), name="general-client-props"),
    path("general/log_client", views.LogClientView.as_view(), name="general-log-client"),
    path(
        "license/client_config",
        views.LicenseClientConfigView.as_view(),
        name="license-client-config",
    ),
    path("emoji/list", views.CustomEmojiListView.as_view(), name="emoji-list"),
    path("emoji/create", views.CustomEmojiCreateView.as_view(), name="emoji-create"),
    path("emoji/delete", views.CustomEmojiDeleteView.as_view(), name="emoji-delete"),
    re_path(
        r"^emoji/(?P<emoji_id>[A-Za-z0-9_]+)$",
        views.CustomEmojiImageView.as_view(),
        name="emoji-image",
    ),
]
