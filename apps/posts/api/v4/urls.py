from apps.posts.api.v4 import posts, reactions

urlpatterns = [*posts.urlpatterns, *reactions.urlpatterns]
