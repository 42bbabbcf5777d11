"""Teams and team membership, with Mattermost's field names and units."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from apps.accounts.models import User
from apps.core.clock import now_ms
from apps.core.ids import new_id
from apps.core.membership import member_roles

TEAM_OPEN = "O"
TEAM_INVITE = "I"
TEAM_TYPES = (TEAM_OPEN, TEAM_INVITE)


class Team(models.Model):
    id = models.CharField(primary_key=True, max_length=26, default=new_id, editable=False)
    create_at = models.BigIntegerField(default=now_ms, editable=False)
    update_at = models.BigIntegerField(default=now_ms)
    delete_at = models.BigIntegerField(default=0, db_index=True)
    display_name = models.CharField(max_length=64)
    name = models.CharField(max_length=64, unique=True)
    description = models.CharField(max_length=255, blank=True, default="")
    email = models.CharField(max_length=128, blank=True, default="")
    type = models.CharField(
        max_length=1, choices=[(TEAM_OPEN, "Open"), (TEAM_INVITE, "Invite only")]
    )
    company_name = models.CharField(max_length=64, blank=True, default="")
    allowed_domains = models.CharField(max_length=1000, blank=True, default="")
    invite_id = models.CharField(max_length=26, default=new_id, db_index=True)
    allow_open_invite = models.BooleanField(default=False)
    last_team_icon_update = models.BigIntegerField(default=0)
    group_constrained = models.BooleanField(null=True, blank=True, default=None)
    cloud_limits_archived = models.BooleanField(default=False)

    class Meta:
        db_table = "teams"
        ordering: ClassVar[list[str]] = ["display_name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.delete_at == 0


class TeamMember(models.Model):
    """A user's membership of a team. Leaving keeps the row with ``delete_at`` set."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="team_memberships")
    create_at = models.BigIntegerField(default=now_ms, editable=False)
    delete_at = models.BigIntegerField(default=0)
    scheme_guest = models.BooleanField(default=False)
    scheme_user = models.BooleanField(default=True)
    scheme_admin = models.BooleanField(default=False)
    explicit_roles = models.CharField(max_length=256, blank=True, default="")

    class Meta:
        db_table = "team_members"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["team", "user"], name="team_members_unique")
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["user", "delete_at"], name="team_members_user_active"),
            models.Index(fields=["team", "delete_at"], name="team_members_team_active"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.team_id}"

    @property
    def roles(self) -> str:
        return member_roles(
            explicit_roles=self.explicit_roles,
            scheme_guest=self.scheme_guest,
            scheme_user=self.scheme_user,
            scheme_admin=self.scheme_admin,
            prefix="team",
        )

    @property
    def is_active(self) -> bool:
        return self.delete_at == 0
