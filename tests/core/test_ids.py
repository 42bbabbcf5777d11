import re

from apps.core.clock import now_ms
from apps.core.ids import is_valid_id, new_id

ID_PATTERN = re.compile(r"^[ybndrfg8ejkmcpqxot1uwisza345h769]{26}$")


def test_new_ids_are_26_chars_of_the_mattermost_alphabet() -> None:
    ids = {new_id() for _ in range(2000)}
    assert len(ids) == 2000
    assert all(ID_PATTERN.match(i) for i in ids)


def test_new_ids_use_the_whole_alphabet() -> None:
    # Catches an encoding that maps to too few symbols (e.g. hex, or a broken table).
    seen = set("".join(new_id() for _ in range(500)))
    assert seen == set("ybndrfg8ejkmcpqxot1uwisza345h769")


def test_id_validation() -> None:
    assert is_valid_id(new_id())
    assert is_valid_id("A" * 26)  # Mattermost accepts upper case too
    assert not is_valid_id("a" * 25)
    assert not is_valid_id("a" * 27)
    assert not is_valid_id("a" * 25 + "-")
    assert not is_valid_id("é" * 26)
    assert not is_valid_id(None)
    assert not is_valid_id(12345678901234567890123456)


def test_timestamps_are_milliseconds() -> None:
    first = now_ms()
    assert 1_700_000_000_000 < first < 100_000_000_000_000
    assert now_ms() >= first
