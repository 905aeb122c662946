# The ticketing tests' fixtures: a running expo and its season ticket.
from tests.ticketing.conftest import future_expo, future_season  # noqa: F401
