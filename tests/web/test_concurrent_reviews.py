"""Two editors reviewing the same claim at the same moment: neither change is lost."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from claims.models import Claim
from tests.factories import make_user
from tests.web.conftest import HTMX, build_bridge_story, logged_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_both_changes_end_in_the_history_and_the_loser_is_told() -> None:
    claim = build_bridge_story().number_claim
    url = f"/stories/{claim.story.slug}/claims/{claim.pk}/review/"
    clients = {"ana": logged_in(make_user("ana")), "kim": logged_in(make_user("kim"))}
    actions = {"ana": ("verify", "Payroll shows 40."), "kim": ("dispute", "Union says 44.")}
    start = threading.Barrier(2)
    answers: dict[str, Any] = {}

    def review(name: str) -> None:
        action, note = actions[name]
        start.wait()  # both send at once, against the state both loaded (no reviews yet)
        try:
            answers[name] = clients[name].post(
                url, {"action": action, "note": note, "expected_count": 0}, headers=HTMX
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=review, args=(name,)) for name in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    statuses = sorted(answer.status_code for answer in answers.values())
    assert statuses == [200, 409]
    loser = next(name for name, answer in answers.items() if answer.status_code == 409)
    told = answers[loser].content.decode()
    assert "This claim changed since you loaded it." in told
    assert actions[loser][1] in told  # the loser's note is kept for sending again

    action, note = actions[loser]  # the loser sends again, now against the new state
    again = clients[loser].post(
        url, {"action": action, "note": note, "expected_count": 1}, headers=HTMX
    )
    assert again.status_code == 200
    history = list(Claim.objects.get(pk=claim.pk).reviews.values_list("by_name", "note"))
    assert sorted(history) == sorted([("ana", "Payroll shows 40."), ("kim", "Union says 44.")])
