from apps.core.roles import roles_grant


def test_system_admin_holds_every_permission() -> None:
    assert roles_grant(["system_admin"], "edit_other_users")
    assert roles_grant(["system_user", "system_admin"], "anything_at_all")


def test_roles_grant_only_their_permissions() -> None:
    assert roles_grant(["system_user"], "create_team")
    assert not roles_grant(["system_user"], "edit_other_users")
    assert not roles_grant(["system_guest"], "create_team")
    assert roles_grant(["team_user", "team_admin"], "manage_team")
    assert not roles_grant(["team_user"], "manage_team")
    assert roles_grant(["system_user", "system_user_access_token"], "create_user_access_token")
    assert not roles_grant([], "view_members")
    assert not roles_grant(["no_such_role"], "view_members")
