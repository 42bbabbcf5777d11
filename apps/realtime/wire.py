"""What travels to the sockets: a domain event made ready for its recipients, the event
envelope with its per-connection ``seq``, and the replies to client requests.

``prepare`` runs once per event, in the process that published it, before the event goes
onto the bus. It does what depends on the recipient but not on the connection: the
``mentions`` and ``followers`` of ``posted`` become a value only the mentioned (or
following) user sees, and ``user_updated`` gets the user object in the copies a user, an
admin and everyone else may see. The hub then only filters and picks a copy.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from apps.core.errors import AppError, error_body
from apps.core.events import Event

# Events that steer the hub and never reach a client.
SESSION_REVOKED = "session_revoked"
CONTROL_EVENTS = frozenset({SESSION_REVOKED})

# ``posted`` data fields that name users; each such user alone sees their own id there.
PER_RECIPIENT_LISTS = ("mentions", "followers")


def compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


@dataclass(frozen=True)
class Outgoing:
    """An event ready for the hub: its data as everyone in the audience gets it, with
    replacements for some users (``per_user``) and for system admins (``for_admins``)."""

    event: str
    data: dict[str, Any]
    user_id: str = ""
    channel_id: str = ""
    team_id: str = ""
    omit_users: tuple[str, ...] = ()
    per_user: dict[str, dict[str, Any]] = field(default_factory=dict)
    for_admins: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        return compact(
            {
                "event": self.event,
                "data": self.data,
                "user_id": self.user_id,
                "channel_id": self.channel_id,
                "team_id": self.team_id,
                "omit_users": list(self.omit_users),
                "per_user": self.per_user,
                "for_admins": self.for_admins,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> Outgoing:
        raw = json.loads(text)
        return cls(
            event=raw["event"],
            data=raw["data"],
            user_id=raw["user_id"],
            channel_id=raw["channel_id"],
            team_id=raw["team_id"],
            omit_users=tuple(raw["omit_users"]),
            per_user=raw["per_user"],
            for_admins=raw["for_admins"],
        )

    def broadcast_json(self) -> str:
        """The envelope's ``broadcast`` object (``omit_users`` is a map, or null)."""
        return compact(
            {
                "omit_users": dict.fromkeys(self.omit_users, True) or None,
                "user_id": self.user_id,
                "channel_id": self.channel_id,
                "team_id": self.team_id,
                "connection_id": "",
                "omit_connection_id": "",
            }
        )


def prepare(event: Event) -> Outgoing | None:
    """The event as the hub delivers it, or None when there is nothing to deliver."""
    broadcast = event.broadcast
    outgoing = Outgoing(
        event=event.event,
        data=dict(event.data),
        user_id=broadcast.user_id,
        channel_id=broadcast.channel_id,
        team_id=broadcast.team_id,
        omit_users=tuple(sorted(broadcast.omit_users)),
    )
    if event.event == "posted":
        return _with_recipient_lists(outgoing)
    if event.event == "user_updated":
        return _with_user_copies(outgoing)
    return outgoing


def _with_recipient_lists(outgoing: Outgoing) -> Outgoing:
    """``mentions: ["u1", "u2"]`` becomes ``mentions: '["u1"]'`` for u1 only, and so on;
    the others get no such field (Mattermost's per-connection broadcast hooks)."""
    for name in PER_RECIPIENT_LISTS:
        user_ids = outgoing.data.pop(name, None) or []
        for user_id in user_ids:
            outgoing.per_user.setdefault(user_id, {})[name] = compact([user_id])
    return outgoing


def _with_user_copies(outgoing: Outgoing) -> Outgoing | None:
    """``user_updated`` carries the user object: in full to the user, as an admin may see
    it to admins, and sanitized to everyone else."""
    from apps.accounts.api.v4.serializers import user_for_others, user_for_self
    from apps.accounts.selectors import user_get

    user = user_get(outgoing.data.get("user_id", ""))
    if user is None:
        return None
    outgoing.data.clear()
    outgoing.data["user"] = user_for_others(user, admin=False)
    outgoing.for_admins["user"] = user_for_others(user, admin=True)
    outgoing.per_user[user.id] = {"user": user_for_self(user)}
    return outgoing


# The envelope. Its JSON is built once per event (and copy); each connection only appends
# its own sequence number.


def envelope_prefix(event: str, data_json: str, broadcast_json: str) -> str:
    return f'{{"event":{compact(event)},"data":{data_json},"broadcast":{broadcast_json},"seq":'


def frame(prefix: str, seq: int) -> str:
    return f"{prefix}{seq}}}"


def user_broadcast_json(user_id: str) -> str:
    return Outgoing(event="", data={}, user_id=user_id).broadcast_json()


# Replies to client requests (they carry ``seq_reply`` and no ``seq`` of their own).


def reply_ok(seq: int, data: dict[str, Any] | None = None) -> str:
    body: dict[str, Any] = {"status": "OK", "seq_reply": seq}
    if data:
        body["data"] = data
    return compact(body)


def reply_error(seq: int, error: AppError) -> str:
    return compact({"status": "FAIL", "seq_reply": seq, "error": error_body(error)})
