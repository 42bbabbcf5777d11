from apps.posts.api.v4 import files, pins_flags, post_lists, posts, reactions, threads

# post_lists first: its posts/ids must win over posts/<post_id> in posts.
urlpatterns = [
    *post_lists.urlpatterns,
    *posts.urlpatterns,
    *reactions.urlpatterns,
    *pins_flags.urlpatterns,
    *threads.urlpatterns,
    *files.urlpatterns,
]
