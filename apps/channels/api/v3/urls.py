"""The channel routes of API v3, collected for mattermost_py/urls_v3.py."""

from apps.channels.api.v3 import channel_lists, channels, members

urlpatterns = [
    *channel_lists.urlpatterns,
    *channels.urlpatterns,
    *members.urlpatterns,
]
