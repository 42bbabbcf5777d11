from apps.teams.api.v4 import members, teams

urlpatterns = [*teams.urlpatterns, *members.urlpatterns]
