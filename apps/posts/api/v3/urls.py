"""The post routes of API v3, collected for mattermost_py/urls_v3.py."""

from apps.posts.api.v3 import files, post_lists, posts, reactions, search

# search before post_lists: teams/{team_id}/posts/search is no post id.
urlpatterns = [
    *search.urlpatterns,
    *posts.urlpatterns,
    *post_lists.urlpatterns,
    *reactions.urlpatterns,
    *files.urlpatterns,
]
