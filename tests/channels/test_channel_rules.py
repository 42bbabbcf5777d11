import pytest

from apps.channels.validators import validate_channel_fields
from apps.core.errors import AppError


def check(**changes: object) -> None:
    fields = {
        "display_name": "General",
        "name": "general",
        "header": "",
        "purpose": "",
        "named": True,
    }
    validate_channel_fields(**{**fields, **changes})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "error_id"),
    [
        ({"display_name": ""}, "display_name"),
        ({"display_name": "   "}, "display_name"),
        ({"display_name": "d" * 65}, "display_name"),
        ({"name": ""}, "2_or_more"),
        ({"name": "Upper"}, "2_or_more"),
        ({"name": "-dash"}, "2_or_more"),
        ({"name": "has space"}, "2_or_more"),
        ({"name": "n" * 65}, "2_or_more"),
        ({"name": "a" * 26 + "__" + "b" * 26}, "2_or_more"),
        ({"name": "0123456789abcdef0123456789abcdef01234567"}, "2_or_more"),
        ({"header": "h" * 1025}, "header"),
        ({"purpose": "p" * 251}, "purpose"),
    ],
)
def test_channel_rules(changes: dict[str, object], error_id: str) -> None:
    with pytest.raises(AppError) as raised:
        check(**changes)
    assert raised.value.error_id == f"model.channel.is_valid.{error_id}.app_error"
    assert raised.value.status_code == 400


@pytest.mark.parametrize("name", ["a", "general", "off-topic", "town_square", "x1", "a-b_c"])
def test_good_names(name: str) -> None:
    check(name=name)


def test_unnamed_channels_skip_name_rules() -> None:
    check(name="a" * 26 + "__" + "b" * 26, display_name="", named=False)
