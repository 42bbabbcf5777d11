"""API v1 preferences: all of the caller's, one category, one, and saving."""

from __future__ import annotations

import pytest

from apps.accounts.models import Preference, User
from apps.accounts.services import PreferenceData, preferences_save
from tests.v1_fixtures import V1Api, assert_v1_error

pytestmark = pytest.mark.django_db


def pref(
    user: User, category: str = "direct_channel_show", name: str = "x", value: str = "true"
) -> dict[str, str]:
    return {"user_id": user.id, "category": category, "name": name, "value": value}


def test_save_answers_a_bare_true_and_stores(v1: V1Api, user: User) -> None:
    response = v1.post("preferences/save", [pref(user), pref(user, "tutorial_step", user.id, "1")])
    assert response.status_code == 200
    assert response.json() is True
    assert Preference.objects.filter(user=user).count() == 2


def test_save_refuses_another_users_preferences_as_1x_did(v1: V1Api, other_user: User) -> None:
    assert_v1_error(v1.post("preferences/save", [pref(other_user)]), 401)
    assert not Preference.objects.exists()


@pytest.mark.parametrize("body", [{}, [], [{"category": 1}], "x"])
def test_save_needs_a_list_of_preferences(v1: V1Api, body: object) -> None:
    assert_v1_error(v1.post("preferences/save", body), 400)


def test_save_checks_the_values(v1: V1Api, user: User) -> None:
    assert_v1_error(v1.post("preferences/save", [pref(user, category="")]), 500)


def test_all_by_category_and_one(v1: V1Api, user: User, other_user: User) -> None:
    preferences_save(
        user_id=user.id,
        preferences=[
            PreferenceData(user.id, "direct_channel_show", "x", "true"),
            PreferenceData(user.id, "last", "channel", "c"),
        ],
    )
    preferences_save(
        user_id=other_user.id, preferences=[PreferenceData(other_user.id, "last", "channel", "d")]
    )
    assert v1.get("preferences/").json() == [pref(user), pref(user, "last", "channel", "c")]
    assert v1.get("preferences/last").json() == [pref(user, "last", "channel", "c")]
    assert v1.get("preferences/nothing_here").json() == []
    assert v1.get("preferences/last/channel").json() == pref(user, "last", "channel", "c")
    assert_v1_error(v1.get("preferences/last/other"), 500)


def test_the_list_costs_the_same_whatever_its_length(
    v1: V1Api, user: User, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    preferences_save(user_id=user.id, preferences=[PreferenceData(user.id, "a", "1")])
    v1.get("preferences/")
    with django_assert_max_num_queries(2) as one:
        v1.get("preferences/")
    preferences_save(
        user_id=user.id, preferences=[PreferenceData(user.id, "a", f"n{n}") for n in range(9)]
    )
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(v1.get("preferences/").json()) == 10


@pytest.mark.parametrize("path", ["preferences/", "preferences/last", "preferences/last/channel"])
def test_reading_needs_a_session(v1_anon: V1Api, path: str) -> None:
    assert_v1_error(v1_anon.get(path), 401)


def test_saving_needs_a_session(v1_anon: V1Api) -> None:
    assert_v1_error(v1_anon.post("preferences/save", []), 401)
