from apps.teams.api.v4 import members, teams, user_teams

urlpatterns = [*teams.urlpatterns, *members.urlpatterns, *user_teams.urlpatterns]
