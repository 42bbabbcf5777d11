"""The recorded API v3 session of a Mattermost 4.10.10 server (92 calls), replayed against
ours in the same order.

Each exchange is read from the shared reference's ``v3-on-4.10.10_flow.md``; the ids,
tokens, ETags and times of the recording are replaced by the ones our answers gave (learnt
in order of appearance). Then our answer must have the recorded status, ``Content-Type``,
the headers a client reads (``Token``, ``ETag``, ``Set-Cookie``; no rate-limit headers,
which are off by default in both servers), the same JSON key sets (every object, every
element of arrays and maps) and the same values, ids and times aside. Error messages and the
wording of system posts are each server's own and are not compared.

Where this server answers differently on purpose (docs/api-v3.md), the difference is
written down below, and our answer is checked against it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client

from apps.core.config import SERVER_VERSION, V3_SERVER_VERSION
from tests.clients.replay import Like, Matcher, Substitutions, is_time
from tests.clients.transcript import Exchange, RecordedResponse, parse_prefix, read_transcript

# The recording lives in the project's shared reference folder, beside the repository
# (as CI checks it out); it is not copied into this repository.
RECORDING = (
    Path(__file__).resolve().parents[3] / "shared/reference/transcripts/v3-on-4.10.10_flow.md"
)
A_TIME = Like("a time in milliseconds", is_time)


@dataclass
class Expected:
    """What our answer to one exchange must be: the recorded answer, as the differences
    below change it."""

    status: int
    content_type: str | None
    token: bool
    # the server version an ETag begins with ("4.10.0"); None: no ETag expected
    etag_version: str | None
    # (name, cleared) of each cookie the answer sets
    cookies: list[tuple[str, bool]]
    body: Any
    # paths of arrays whose order carries no meaning
    unordered: set[str] = field(default_factory=set)


def expected_from(recorded: RecordedResponse) -> Expected:
    cookies = SimpleCookie()
    for line in recorded.header_values("Set-Cookie"):
        cookies.load(line)
    etag = recorded.header("Etag")
    body: Any = None
    if recorded.body:
        body = parse_prefix(recorded.body) if recorded.truncated else json.loads(recorded.body)
    return Expected(
        status=recorded.status,
        content_type=recorded.header("Content-Type"),
        token=recorded.header("Token") is not None,
        etag_version=".".join(etag.split(".")[:3]) if etag else None,
        cookies=[(name, morsel["max-age"] == "0") for name, morsel in cookies.items()],
        body=body,
    )


# Differences everywhere


def objects_in(value: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object in ``value``, outermost first."""
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from objects_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from objects_in(item)


def follow_the_shared_data(expected: Expected) -> None:
    """What this server's data model (shared with API v4) holds differently from 4.10:

    - new accounts get today's notification defaults: no ``mention_keys`` (the username is
      mentioned anyway) and ``push_status`` "online" (4.10: "username,@username", "away");
    - new accounts get no ``tutorial_step`` preference (the tutorial is the webapp's);
    - channels' ``extra_update_at`` stays 0, as API v4 shows it (4.10 moved it on each
      membership change).
    """
    for obj in objects_in(expected.body):
        if "mention_keys" in obj:
            obj["mention_keys"] = ""
        if "push_status" in obj:
            obj["push_status"] = "online"
        if "extra_update_at" in obj:
            obj["extra_update_at"] = 0
        for key, value in obj.items():
            if isinstance(value, list):
                obj[key] = without_tutorial(value)
    if isinstance(expected.body, list):
        expected.body = without_tutorial(expected.body)


def without_tutorial(items: list[Any]) -> list[Any]:
    kept = [item for item in items if not (isinstance(item, dict) and is_tutorial(item))]
    return type(items)(kept) if kept != items else items


def is_tutorial(item: dict[str, Any]) -> bool:
    return item.get("category") == "tutorial_step"


# Differences of single steps

# The notice 4.10 posted when alice created "dev" (this server does not post one).
CREATOR_JOIN_NOTICE = "p7dixugojpdk5dhtbxfuc6xf9r"
TOWN_SQUARE, OFF_TOPIC = "8paoef9w8p8cdfsuw79fjiseka", "4i9khf85uifs7r4f9b9rkj64xy"


def no_creator_join_notice(expected: Expected) -> None:
    """Creating a channel posts no notice that its creator joined it, so the channel has
    no last post yet and its post lists lack that notice (4.10 posted one)."""
    body = expected.body
    if "order" in body:
        body["order"] = type(body["order"])(i for i in body["order"] if i != CREATOR_JOIN_NOTICE)
        body["posts"].pop(CREATOR_JOIN_NOTICE, None)
    else:
        channel = body.get("channel", body)
        channel["last_post_at"] = 0


def member_has_read_what_came_before(expected: Expected) -> None:
    """A new channel member has seen everything posted before they joined (shared with
    v4): ``last_viewed_at`` is the time they joined, and ``msg_count`` the channel's total
    then (4.10 started both at 0, leaving the whole history unread)."""
    member = expected.body.get("member", expected.body)
    member["last_viewed_at"] = A_TIME
    member["msg_count"] = Like("the channel's total", lambda count: count >= 0)


def alices_memberships(expected: Expected) -> None:
    """The team's creator joins its default channels as an ordinary member (4.10 made her
    their admin), and a member has seen a channel since joining it (4.10: a channel never
    viewed had ``last_viewed_at`` 0)."""
    for member in expected.body:
        if member["channel_id"] in (TOWN_SQUARE, OFF_TOPIC):
            member["roles"] = "channel_user"
        if member["last_viewed_at"] == 0:
            member["last_viewed_at"] = A_TIME


def unordered(*paths: str) -> Callable[[Expected], None]:
    """4.10 read these lists without ORDER BY: their order was the database's."""

    def apply(expected: Expected) -> None:
        expected.unordered.update(paths)

    return apply


def login_count_is_reset(expected: Expected) -> None:
    """The login after a failed one answers the user as stored after it: the failed
    attempts are back to 0 and left out (4.10 answered the count from before the login)."""
    del expected.body["failed_attempts"]


def our_client_configuration(expected: Expected) -> None:
    """The client configuration is this server's own map of strings (docs/api-v3.md,
    General): features it lacks are announced as off, and it has no Enterprise keys."""
    expected.body["client_cfg"] = Like(
        "a map of strings announcing 4.10.0",
        lambda cfg: (
            all(isinstance(value, str) for value in cfg.values())
            and cfg["Version"] == V3_SERVER_VERSION
        ),
    )


def only_a_sent_cookie_is_cleared(expected: Expected) -> None:
    """A dead token clears the session cookies only when the request sent them (here it
    sent a header); 4.10 cleared them on every refused token."""
    expected.cookies = []


def our_version_in_etags(expected: Expected) -> None:
    """ETags of channel and post data begin with this server's version, as v4's do (4.10:
    its own); they are opaque to clients, only equality counts (docs/api-v3.md, Shapes)."""
    expected.etag_version = SERVER_VERSION


DIFFERENCES: dict[str, list[Callable[[Expected], None]]] = {
    'login with legacy "name" field (ignored by server)': [login_count_is_reset],
    "teams/members/{team_id} (3.0-3.4) or teams/{id}/members/0/100 (3.5+)": [unordered("$")],
    "initial_load": [unordered("$.team_members"), our_client_configuration],
    "GET channels/ (trailing slash required)": [our_version_in_etags],
    "GET channels/{id}/ (ChannelData)": [
        our_version_in_etags,
        no_creator_join_notice,
        member_has_read_what_came_before,
    ],
    "GET channels/counts": [our_version_in_etags],
    "update_header": [no_creator_join_notice],
    "GET posts/page/0/60": [our_version_in_etags, no_creator_join_notice],
    "GET posts/{id}/get (thread)": [our_version_in_etags],
    "GET teams/{tid}/posts/{post_id}": [our_version_in_etags],
    "GET posts/{id}/before/0/10": [our_version_in_etags, no_creator_join_notice],
    "GET posts/{id}/after/0/10": [our_version_in_etags],
    "GET posts/page after delete": [our_version_in_etags, no_creator_join_notice],
    "[3.5+] GET channels/members": [unordered("$"), alices_memberships],
    "[3.5+] GET channels/name/{name}": [our_version_in_etags],
    "[3.6+] GET channels/more/0/50": [our_version_in_etags],
    "[3.6+] GET teams/members (my memberships)": [unordered("$")],
    "[3.6+] GET teams/unread": [unordered("$")],
    "[3.5+] GET posts/{id}/get_file_infos": [our_version_in_etags],
    "channels add member (bob)": [member_has_read_what_came_before],
    "GET me with revoked token (3.0-3.4 getMe: 200 empty body; 3.5+: 401)": [
        only_a_sent_cookie_is_cleared
    ],
    "GET preferences/ with revoked token -> 401": [only_a_sent_cookie_is_cleared],
}


def free_text(where: str, holder: dict[str, Any]) -> bool:
    """Error messages, and the text of the posts the server writes (joins, header
    changes ...), are worded by each server itself; their ids, types and props are not."""
    key = where.rsplit(".", 1)[-1]
    if "status_code" in holder and key in ("message", "detailed_error"):
        return True
    return key == "message" and str(holder.get("type", "")).startswith("system_")


@dataclass
class Replay:
    client: Client
    subs: Substitutions = field(default_factory=Substitutions)

    def send(self, exchange: Exchange) -> HttpResponse:
        """The recorded request with our ids, tokens, ETags and times, and only the cookies
        it carried."""
        request = exchange.request
        extra: dict[str, str] = {}
        content_type = "application/octet-stream"
        for name, value in request.headers.items():
            if name.lower() == "content-type":
                content_type = value
            elif name.lower() == "if-none-match":
                extra["HTTP_IF_NONE_MATCH"] = self.subs.etags.get(value, value)
            else:
                extra["HTTP_" + name.upper().replace("-", "_")] = self.subs.text(value)
        self.client.cookies = SimpleCookie()
        response: HttpResponse = self.client.generic(
            request.method,
            self.subs.text(request.path),
            self.subs.text(request.body),
            content_type=content_type,
            **extra,
        )
        return response

    def check(self, exchange: Exchange, expected: Expected, ours: HttpResponse) -> list[str]:
        problems: list[str] = []
        if ours.status_code != expected.status:
            problems.append(f"status {ours.status_code}, expected {expected.status}")
        if ours.get("Content-Type") != expected.content_type:
            problems.append(f"Content-Type {ours.get('Content-Type')!r}")
        if any(name.lower().startswith("x-ratelimit") for name in ours.headers):
            problems.append("rate-limit headers, while rate limiting is off")
        problems += self.check_token(exchange.response, expected, ours)
        problems += self.check_etag(exchange.response, expected, ours)
        problems += check_cookies(expected, ours)
        problems += self.check_body(expected, ours)
        return problems

    def check_token(
        self, recorded: RecordedResponse, expected: Expected, ours: HttpResponse
    ) -> list[str]:
        if not expected.token:
            return ["unexpected Token header"] if ours.has_header("Token") else []
        if not ours.has_header("Token"):
            return ["no Token header"]
        problem = self.subs.bind_id(recorded.header("Token") or "", ours["Token"])
        return [f"Token: {problem}"] if problem else []

    def check_etag(
        self, recorded: RecordedResponse, expected: Expected, ours: HttpResponse
    ) -> list[str]:
        if expected.etag_version is None:
            return []
        if not ours.has_header("ETag"):
            return ["no ETag"]
        self.subs.etags[recorded.header("Etag") or ""] = ours["ETag"]
        if ours["ETag"].split(".")[:3] != expected.etag_version.split("."):
            return [f"ETag {ours['ETag']!r} does not start with {expected.etag_version}"]
        return []

    def check_body(self, expected: Expected, ours: HttpResponse) -> list[str]:
        if expected.body is None:
            return [f"body {ours.content[:200]!r}, expected none"] if ours.content else []
        try:
            body = json.loads(ours.content)
        except ValueError:
            return [f"body is not JSON: {ours.content[:200]!r}"]
        matcher = Matcher(self.subs, free_text, frozenset(expected.unordered))
        wanted = expected.body
        if isinstance(wanted, dict) and "request_id" in wanted:
            # The body repeats our X-Request-Id header.
            wanted = {**wanted, "request_id": ours["X-Request-Id"]}
        matcher.match(wanted, body)
        self.subs = matcher.subs
        return matcher.problems


def check_cookies(expected: Expected, ours: HttpResponse) -> list[str]:
    problems = []
    for name, cleared in expected.cookies:
        morsel = ours.cookies.get(name)
        if morsel is None:
            problems.append(f"no Set-Cookie {name}")
        elif cleared != (morsel.value == "" and morsel["max-age"] == 0):
            problems.append(f"Set-Cookie {name} should {'' if cleared else 'not '}clear it")
    return problems


@pytest.mark.django_db
def test_the_recorded_session_of_a_4_10_server(
    client: Client, mm_config: Callable[..., None]
) -> None:
    # The recorded server let anyone sign up (the second account came without invitation).
    mm_config(enable_open_server=True)
    if not RECORDING.exists():
        if os.environ.get("CI"):
            pytest.fail(f"the recording is missing: {RECORDING}")
        pytest.skip("the shared reference folder is not beside the repository")
    exchanges = read_transcript(RECORDING)
    assert len(exchanges) == 92
    assert set(DIFFERENCES) <= {exchange.title for exchange in exchanges}
    replay = Replay(client)
    report: list[str] = []
    for number, exchange in enumerate(exchanges, start=1):
        expected = expected_from(exchange.response)
        follow_the_shared_data(expected)
        for difference in DIFFERENCES.get(exchange.title, []):
            difference(expected)
        ours = replay.send(exchange)
        problems = replay.check(exchange, expected, ours)
        report += [f"{number} {exchange.title}: {problem}" for problem in problems]
    assert not report, "\n".join(report)
