"""Pages of rows: v4's page numbers and v3's row offsets."""

from __future__ import annotations

import pytest

from apps.core.pagination import MAX_PER_PAGE, rows_from
from apps.teams.models import Team


@pytest.mark.django_db
def test_a_row_window_starts_at_a_row_not_a_page() -> None:
    for n in range(5):
        Team.objects.create(name=f"team{n}", display_name=f"T{n}", type="O")
    teams = Team.objects.order_by("name")
    assert [team.name for team in rows_from(1, 2).of(teams)] == ["team1", "team2"]
    assert rows_from(4, 10).of(teams)[0].name == "team4"
    assert rows_from(9, 10).of(teams) == []
    assert rows_from(0, 0).of(teams) == []
    assert rows_from(2**63, 1).of(teams) == []


def test_a_row_window_is_clamped_like_v4_pages() -> None:
    assert rows_from(0, 10_000).per_page == MAX_PER_PAGE
    assert rows_from(7, 3).offset == 7
