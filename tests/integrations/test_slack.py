"""Slack markup in integration texts, and over-long integration posts split in pieces."""

from __future__ import annotations

import json
from typing import Any

import pytest

from apps.accounts.models import User
from apps.core.errors import AppError
from apps.integrations.slack import (
    PROPS_MAX_USER_RUNES,
    check_attachments,
    from_slack,
    markdown_links,
    split_webhook_post,
)
from apps.posts.validators import validate_post

SPLIT_ERROR = "web.incoming_webhook.split_props_length.app_error"


def test_announcements_and_user_ids_become_mentions(user: User) -> None:
    text, attachments = from_slack(
        f"<!channel> <!here> <!all> ask <@{user.id}>, not <@nobody1>",
        [{"text": f"by <@{user.id}>", "fields": [{"title": "who", "value": "<!here>"}]}],
    )
    assert text == "@channel @here @all ask @alice, not <@nobody1>"
    assert attachments[0]["text"] == "by @alice"
    assert attachments[0]["fields"][0]["value"] == "@here"


def test_user_ids_are_looked_up_in_one_query(
    user: User, other_user: User, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(1):
        text, _ = from_slack(f"<@{user.id}> and <@{other_user.id}>", [{"text": f"<@{user.id}>"}])
    assert text == "@alice and @bob"


def test_labelled_links_become_markdown() -> None:
    assert markdown_links("see <https://example.com/a|the docs> now") == (
        "see [the docs](https://example.com/a) now"
    )
    assert markdown_links("<https://example.com>") == "<https://example.com>"


def test_attachment_field_values_become_text() -> None:
    (attachment,) = check_attachments(
        [{"fields": [{"value": 3}, {"value": True}, {"value": None}, {"title": "x"}]}]
    )
    assert [f.get("value") for f in attachment["fields"]] == ["3", "true", None, None]


@pytest.mark.parametrize(
    "attachments",
    ["text", [1], [{"text": 5}], [{"fields": "x"}], [{"fields": [1]}], {"text": "a"}],
)
def test_malformed_attachments_are_400(attachments: Any) -> None:
    with pytest.raises(AppError) as caught:
        check_attachments(attachments)
    assert (caught.value.status_code, caught.value.error_id) == (
        400,
        "model.incoming_hook.parse_data.app_error",
    )


def test_a_short_post_stays_whole() -> None:
    props = {"from_webhook": "true", "attachments": [{"text": "a"}]}
    assert split_webhook_post("hello", props) == [("hello", props)]


def test_a_long_message_is_split_and_every_piece_keeps_the_props() -> None:
    message = "ab" * 25 + "c"
    splits = split_webhook_post(message, {"from_webhook": "true"}, max_runes=20)
    assert [text for text, _ in splits] == [message[:20], message[20:40], message[40:]]
    assert all(props == {"from_webhook": "true"} for _, props in splits)
    assert "".join(text for text, _ in splits) == message


def test_attachments_go_with_the_last_piece() -> None:
    splits = split_webhook_post("x" * 30, {"attachments": [{"text": "a"}]}, max_runes=20)
    assert splits[0][1] == {}
    assert splits[1] == ("x" * 10, {"attachments": [{"text": "a"}]})


def test_attachments_that_do_not_fit_together_go_to_further_posts() -> None:
    big = "y" * (PROPS_MAX_USER_RUNES // 2)
    attachments = [{"text": big}, {"text": big}, {"text": "small"}]
    splits = split_webhook_post("hi", {"from_webhook": "true", "attachments": attachments})
    assert [len(props["attachments"]) for _, props in splits] == [1, 2]
    assert [text for text, _ in splits] == ["hi", ""]
    assert all(props["from_webhook"] == "true" for _, props in splits)
    for text, props in splits:
        validate_post(message=text, props=props, file_ids=[], type="")


def test_an_attachment_too_large_alone_has_its_text_shortened() -> None:
    huge = "z" * (PROPS_MAX_USER_RUNES + 100)
    ((_text, props),) = split_webhook_post("hi", {"attachments": [{"text": huge, "title": "t"}]})
    kept = props["attachments"][0]
    assert kept["title"] == "t"
    assert huge.startswith(kept["text"])
    assert len(kept["text"]) < len(huge)
    assert len(json.dumps(props)) <= PROPS_MAX_USER_RUNES


def test_escaped_characters_are_counted_as_the_validator_counts_them() -> None:
    huge = "é" * PROPS_MAX_USER_RUNES
    ((_, props),) = split_webhook_post("", {"attachments": [{"text": huge}]})
    kept = props["attachments"][0]["text"]
    assert len(json.dumps(props)) <= PROPS_MAX_USER_RUNES
    # The longest text that fits: one more character would not.
    assert len(json.dumps({"attachments": [{"text": kept + "é"}]})) > PROPS_MAX_USER_RUNES


def test_props_too_large_without_attachments_are_400() -> None:
    with pytest.raises(AppError) as caught:
        split_webhook_post("hi", {"blob": "q" * PROPS_MAX_USER_RUNES})
    assert (caught.value.status_code, caught.value.error_id) == (400, SPLIT_ERROR)


def test_an_attachment_that_cannot_be_shortened_enough_is_400() -> None:
    with pytest.raises(AppError) as caught:
        split_webhook_post("", {"attachments": [{"title": "t" * PROPS_MAX_USER_RUNES}]})
    assert caught.value.error_id == SPLIT_ERROR
