from apps.channels.api.v4 import categories, channels, members, user_channels

urlpatterns = [
    *channels.urlpatterns,
    *members.urlpatterns,
    *user_channels.urlpatterns,
    *categories.urlpatterns,
]
