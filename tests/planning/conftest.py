"""Fixtures of the plan pages: the real demo plan (tests/dashboard/conftest.py), a goal with an
activity, and a second gemeente (Breda) with its own copy of the plan."""

from __future__ import annotations

import pytest

from openveiligheid.policy.models import Activity, Goal
from openveiligheid.policy.yearwork import StatusInput, goal_by_key, save_activity, set_status

#: A goal of the demo plan (code 1.1), one of its indicators, and the working year of the
#: demo (the last year of its plan period 2019-2023).
GOAL = "minder-fietsdiefstal"
INDICATOR = "fietsdiefstal"
YEAR = 2023
ACTIVITY = "1.7"


@pytest.fixture
def goal(plan) -> Goal:
    return goal_by_key(plan, GOAL)


@pytest.fixture
def activity(goal) -> Activity:
    """Activity 1.7 of the goal in 2023, with a green status."""
    activity = save_activity(goal, YEAR, ACTIVITY, "Fietsen graveren op de markt")
    set_status(activity, StatusInput("groen", "groen", "groen", "groen"), "voorjaarsnota")
    return activity
