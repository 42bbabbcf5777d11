from apps.posts.api.v4 import files, pins_flags, post_lists, posts, reactions, search, threads

# post_lists first and search next: their posts/ids and posts/search must win over
# posts/<post_id> in posts.
urlpatterns = [
    *post_lists.urlpatterns,
    *search.urlpatterns,
    *posts.urlpatterns,
    *reactions.urlpatterns,
    *pins_flags.urlpatterns,
    *threads.urlpatterns,
    *files.urlpatterns,
]
