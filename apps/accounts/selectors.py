"""Reads of users, sessions, preferences and statuses. Token lookups go through the hot
cache so an authenticated request normally costs no query for its session or user."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)

from apps.accounts.models import (
    STATUS_OFFLINE,
    Preference,
    Session,
    Status,
    User,
    UserAccessToken,
    hash_token,
)
from apps.channels.models import CHANNEL_DIRECT, ChannelMember
from apps.core.cache import hot_cache
from apps.core.errors import AppError
from apps.core.ids import is_valid_id
from apps.core.pagination import Page
from apps.teams.models import TeamMember


def session_cache_key(token_hash: str) -> str:
    return f"session:{token_hash}"


def user_cache_key(user_id: str) -> str:
    return f"user:{user_id}"


def _cache_seconds() -> int:
    return max(settings.MATTERMOST.session_cache_in_minutes, 0) * 60


def session_get_by_token(token: str) -> Session | None:
    """The live session whose bearer token is ``token``, or None (unknown or expired)."""
    token_hash = hash_token(token)
    session = hot_cache().get_or_load(
        session_cache_key(token_hash),
        lambda: Session.objects.filter(token_hash=token_hash).first(),
        _cache_seconds(),
    )
    # Expired rows stay until a clean-up removes them; they never authenticate.
    return None if session is None or session.is_expired() else session


def user_get_cached(user_id: str) -> User | None:
    return hot_cache().get_or_load(
        user_cache_key(user_id), lambda: User.objects.filter(pk=user_id).first(), _cache_seconds()
    )


def user_get(user_id: str) -> User | None:
    return User.objects.filter(pk=user_id).first()


def user_get_by_username(username: str) -> User | None:
    return User.objects.filter(username=username.strip().lower()).first()


def user_get_by_email(email: str) -> User | None:
    return User.objects.filter(email=email.strip().lower()).first()


def user_find(reference: str) -> User | None:
    """The user an operator names: by id, else by email (with an '@'), else by username."""
    reference = reference.strip()
    if is_valid_id(reference):
        user = user_get(reference)
        if user is not None:
            return user
    if "@" in reference:
        return user_get_by_email(reference)
    return user_get_by_username(reference)


def users_list(*, active: bool | None = None) -> QuerySet[User]:
    """Every user by username; only active or only deactivated ones when ``active`` says."""
    users = User.objects.order_by("username")
    if active is True:
        return users.filter(delete_at=0)
    if active is False:
        return users.exclude(delete_at=0)
    return users


def user_for_login(*, login_id: str, user_id: str) -> User | None:
    """The account a login names: by id, else by username or email as the settings allow."""
    if user_id:
        return user_get(user_id)
    config = settings.MATTERMOST
    login_id = login_id.strip().lower()
    if config.enable_sign_in_with_username:
        user = User.objects.filter(username=login_id).first()
        if user is not None:
            return user
    if config.enable_sign_in_with_email and "@" in login_id:
        return User.objects.filter(email=login_id).first()
    return None


def users_exist() -> bool:
    return User.objects.exists()


# Lists and search. Every function returns one query's worth of rows.

SEARCH_DEFAULT_LIMIT = 100
SEARCH_MAX_LIMIT = 1000


@dataclass(frozen=True)
class UserScope:
    """Membership filters shared by the user list, search and autocomplete."""

    in_team: str = ""
    not_in_team: str = ""
    in_channel: str = ""
    not_in_channel: str = ""
    without_team: bool = False


def _team_member_ids(team_id: str) -> QuerySet[TeamMember, Any]:
    return TeamMember.objects.filter(team_id=team_id, delete_at=0).values("user_id")


def _channel_member_ids(channel_id: str) -> QuerySet[ChannelMember, Any]:
    return ChannelMember.objects.filter(channel_id=channel_id).values("user_id")


def scoped_users(scope: UserScope) -> QuerySet[User]:
    """Users matching ``scope``; membership tests are subqueries, so this stays one query."""
    users = User.objects.all()
    if scope.in_team:
        users = users.filter(pk__in=_team_member_ids(scope.in_team))
    if scope.not_in_team:
        users = users.exclude(pk__in=_team_member_ids(scope.not_in_team))
    if scope.in_channel:
        users = users.filter(pk__in=_channel_member_ids(scope.in_channel))
    if scope.not_in_channel:
        users = users.exclude(pk__in=_channel_member_ids(scope.not_in_channel))
    if scope.without_team:
        users = users.exclude(
            pk__in=TeamMember.objects.filter(delete_at=0, team__delete_at=0).values("user_id")
        )
    return users


STATUS_ORDER = Case(
    When(status__status="online", then=Value(0)),
    When(status__status="away", then=Value(1)),
    When(status__status="dnd", then=Value(2)),
    default=Value(3),
)


def users_page(
    *, page: Page, scope: UserScope, active: bool, inactive: bool, role: str, sort: str = ""
) -> list[User]:
    users = scoped_users(scope)
    if active:
        users = users.filter(delete_at=0)
    if inactive:
        users = users.exclude(delete_at=0)
    if role:
        # roles is a space-separated list: match whole words only.
        users = users.filter(
            Q(roles=role)
            | Q(roles__startswith=f"{role} ")
            | Q(roles__endswith=f" {role}")
            | Q(roles__contains=f" {role} ")
        )
    if sort == "create_at":
        users = users.order_by("-create_at", "username")
    elif sort == "last_activity_at":
        users = users.order_by(F("status__last_activity_at").desc(nulls_last=True), "username")
    elif sort == "status":
        users = users.order_by(STATUS_ORDER, "username")
    elif sort == "admin":
        is_admin = Exists(
            ChannelMember.objects.filter(
                channel_id=scope.in_channel, user_id=OuterRef("pk"), scheme_admin=True
            )
        )
        users = users.order_by(is_admin.desc(), "username")
    else:
        users = users.order_by("username")
    return page.of(users)


def users_newest_update_at() -> int:
    """When any user last changed: what a cached list of all users depends on."""
    return User.objects.aggregate(newest=Max("update_at"))["newest"] or 0


def users_with_direct_channels(user_id: str) -> list[User]:
    """The other members of the user's direct message channels, by username."""
    direct_channels = ChannelMember.objects.filter(
        user_id=user_id, channel__type=CHANNEL_DIRECT
    ).values("channel_id")
    partners = ChannelMember.objects.filter(channel_id__in=direct_channels).exclude(user_id=user_id)
    return list(User.objects.filter(pk__in=partners.values("user_id")).order_by("username"))


def team_profiles_etag_parts(team_id: str) -> tuple[int, int]:
    """(newest update_at, member count) of a team's members: what a cached member list of
    the team depends on."""
    members = User.objects.filter(pk__in=_team_member_ids(team_id))
    newest = members.aggregate(newest=Max("update_at"), count=Count("pk"))
    return newest["newest"] or 0, newest["count"]


def users_by_ids(user_ids: list[str], *, since: int = 0) -> list[User]:
    users = User.objects.filter(pk__in=user_ids)
    if since:
        users = users.filter(update_at__gt=since)
    return list(users.order_by("username"))


def users_by_usernames(usernames: list[str]) -> list[User]:
    names = [name.strip().lower() for name in usernames]
    return list(User.objects.filter(username__in=names).order_by("username"))


def users_search(
    *,
    term: str,
    allow_emails: bool,
    allow_full_names: bool,
    allow_inactive: bool,
    limit: int,
    scope: UserScope | None = None,
) -> list[User]:
    """Users whose username, nickname or (when visible) names or email start with every
    word of ``term``, case-insensitively; a leading '@' is ignored."""
    users = scoped_users(scope or UserScope())
    if not allow_inactive:
        users = users.filter(delete_at=0)
    for word in term.replace("@", " ", 1 if term.startswith("@") else 0).split():
        match = Q(username__istartswith=word) | Q(nickname__istartswith=word)
        if allow_full_names:
            match |= Q(first_name__istartswith=word) | Q(last_name__istartswith=word)
        if allow_emails:
            match |= Q(email__istartswith=word)
        users = users.filter(match)
    return list(users.order_by("username")[:limit])


def users_count_active() -> int:
    return User.objects.filter(delete_at=0, is_bot=False).count()


def user_counts() -> tuple[int, int]:
    """How many accounts are active and how many deactivated, in one query."""
    counts = User.objects.aggregate(
        active=Count("pk", filter=Q(delete_at=0)), inactive=Count("pk", filter=~Q(delete_at=0))
    )
    return counts["active"], counts["inactive"]


# Preferences and status


def user_get_or_404(user_id: str) -> User:
    """The user with this id; a missing one is Mattermost's 404."""
    user = user_get_cached(user_id)
    if user is None:
        raise AppError("app.user.missing_account.const", "There is no user with that id.", 404)
    return user


def preference_list(*, user_id: str, category: str | None = None) -> list[Preference]:
    """A user's preferences, all of them or one category's, in a stable order."""
    preferences = Preference.objects.filter(user_id=user_id)
    if category is not None:
        preferences = preferences.filter(category=category)
    return list(preferences.order_by("category", "name"))


def preference_get(*, user_id: str, category: str, name: str) -> Preference | None:
    return Preference.objects.filter(user_id=user_id, category=category, name=name).first()


def status_offline(user_id: str) -> Status:
    """The status of a user who has none stored: offline, never active."""
    return Status(user_id=user_id)


def status_get(user_id: str) -> Status:
    return Status.objects.filter(user_id=user_id).first() or status_offline(user_id)


def statuses_not_offline() -> list[Status]:
    """Everyone whose status is not offline (users without a stored status are offline)."""
    return list(Status.objects.exclude(status=STATUS_OFFLINE).order_by("user_id"))


def status_list(user_ids: Iterable[str]) -> list[Status]:
    """The statuses of these users, in the order asked and each once, with one query.

    Ids without a stored status come back offline, as Mattermost answers for any id."""
    wanted = list(dict.fromkeys(user_ids))
    stored = {status.user_id: status for status in Status.objects.filter(user_id__in=wanted)}
    return [stored.get(user_id) or status_offline(user_id) for user_id in wanted]


# Sessions and personal access tokens


def session_remember(session: Session) -> None:
    """Put a session that was just written and committed into the hot cache, so its first
    use after creation costs no query."""
    hot_cache().set(session_cache_key(session.token_hash), session, _cache_seconds())


def session_get(session_id: str) -> Session | None:
    return Session.objects.filter(pk=session_id).first()


def sessions_of_user(user_id: str) -> QuerySet[Session]:
    """A user's sessions, most recently active first (expired ones too, until cleaned up)."""
    return Session.objects.filter(user_id=user_id).order_by("-last_activity_at", "id")


def access_token_get(token_id: str) -> UserAccessToken | None:
    return UserAccessToken.objects.filter(pk=token_id).first()


def access_token_get_by_token(token: str) -> UserAccessToken | None:
    """The personal access token whose secret is ``token``, with its user."""
    return (
        UserAccessToken.objects.select_related("user").filter(token_hash=hash_token(token)).first()
    )


def access_tokens_of_user(user_id: str) -> QuerySet[UserAccessToken]:
    return UserAccessToken.objects.filter(user_id=user_id).order_by("id")


def access_tokens_all() -> QuerySet[UserAccessToken]:
    return UserAccessToken.objects.order_by("id")


def access_tokens_search(term: str) -> QuerySet[UserAccessToken]:
    """Tokens whose id, user id or user's username starts with ``term``."""
    return UserAccessToken.objects.filter(
        Q(id__startswith=term) | Q(user__id__startswith=term) | Q(user__username__startswith=term)
    ).order_by("id")


# Bots


def bot_not_found() -> AppError:
    return AppError("store.sql_bot.get.missing.app_error", "There is no bot with that id.", 404)


def bot_get(bot_user_id: str, *, include_deleted: bool = False) -> User:
    """The bot with this user id; a person, or a disabled bot unless asked for, is a 404."""
    bots = User.objects.filter(id=bot_user_id, is_bot=True)
    if not include_deleted:
        bots = bots.filter(delete_at=0)
    bot = bots.first()
    if bot is None:
        raise bot_not_found()
    return bot


def bots_page(
    *, page: Page, owner_id: str = "", include_deleted: bool = False, only_orphaned: bool = False
) -> list[User]:
    """A page of bots, oldest first as upstream lists them. Orphans are bots whose owner is
    not an active user (deactivated, deleted, or not a user at all)."""
    if page.empty:
        return []
    bots = User.objects.filter(is_bot=True)
    if owner_id:
        bots = bots.filter(bot_owner_id=owner_id)
    if not include_deleted:
        bots = bots.filter(delete_at=0)
    if only_orphaned:
        active = User.objects.filter(delete_at=0).values("id")
        bots = bots.exclude(bot_owner_id__in=active)
    ordered = bots.order_by("create_at", "username")
    return list(ordered[page.offset : page.offset + page.per_page])
