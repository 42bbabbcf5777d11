from django.urls import path

from apps.teams.api.v3 import members, teams

TEAM = "teams/<v3id:team_id>"

urlpatterns = [
    path("teams/create", teams.TeamCreateView.as_view(), name="team-create"),
    path("teams/all", teams.AllTeamsView.as_view(), name="teams-all"),
    path("teams/all_team_listings", teams.TeamListingsView.as_view(), name="team-listings"),
    path("teams/get_invite_info", teams.InviteInfoView.as_view(), name="team-invite-info"),
    path("teams/find_team_by_name", teams.FindTeamByNameView.as_view(), name="team-find"),
    path("teams/name/<v3name:team_name>", teams.TeamByNameView.as_view(), name="team-by-name"),
    path("teams/members", teams.MyTeamMembersView.as_view(), name="my-team-members"),
    path(
        "teams/members/<v3id:team_id>",
        members.TeamMembersClassicView.as_view(),
        name="team-members-classic",
    ),
    path("teams/unread", teams.MyTeamsUnreadView.as_view(), name="my-teams-unread"),
    path(
        "teams/add_user_to_team_from_invite",
        members.JoinFromInviteView.as_view(),
        name="team-join-from-invite",
    ),
    path(f"{TEAM}/me", teams.MyTeamView.as_view(), name="team-me"),
    path(f"{TEAM}/update", teams.TeamUpdateView.as_view(), name="team-update"),
    path(f"{TEAM}/stats", teams.TeamStatsView.as_view(), name="team-stats"),
    path(
        f"{TEAM}/members/<int:offset>/<int:limit>",
        members.TeamMembersWindowView.as_view(),
        name="team-members",
    ),
    path(f"{TEAM}/members/ids", members.TeamMembersByIdsView.as_view(), name="team-members-ids"),
    path(f"{TEAM}/members/<v3id:user_id>", members.TeamMemberView.as_view(), name="team-member"),
    path(
        f"{TEAM}/update_member_roles",
        members.TeamMemberRolesView.as_view(),
        name="team-member-roles",
    ),
    path(f"{TEAM}/add_user_to_team", members.AddUserToTeamView.as_view(), name="team-add-user"),
    path(
        f"{TEAM}/remove_user_from_team",
        members.RemoveUserFromTeamView.as_view(),
        name="team-remove-user",
    ),
]
