from apps.posts.api.v4 import pins_flags, post_lists, posts, reactions

urlpatterns = [
    *posts.urlpatterns,
    *post_lists.urlpatterns,
    *reactions.urlpatterns,
    *pins_flags.urlpatterns,
]
