"""Deleting an expo's check-in rows after the fair (``retention.prune_check_ins``,
``manage.py prune_check_ins``)."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from events.models import Expo
from expo.errors import Conflict
from tests.conftest import attendee
from ticketing import retention, services
from ticketing.models import CheckIn, Occupancy, ScanPoint, TicketType

pytestmark = pytest.mark.django_db


def after(expo):
    """The first moment after the expo's last day, on its own clock."""
    return dt.datetime.combine(expo.end_date + dt.timedelta(days=1), dt.time(0, 1), expo.tz)


def totals():
    return sorted(Occupancy.objects.values_list("expo", "place", "day", "inside", "entries"))


@pytest.fixture
def scanned(future_expo, holders):
    """Three of the holders came in at the gate and one of them into the hall."""
    gate = ScanPoint.objects.create(expo=future_expo, slug="g", name="Gate", kind="gate")
    hall = future_expo.halls.create(slug="a", name="Hall A", capacity=100)
    door = ScanPoint.objects.create(expo=future_expo, slug="a", kind="hall", hall=hall)
    for ticket in holders[:3]:
        services.check_in(ticket.code, gate, "in")
    services.check_in(holders[0].code, door, "in")
    services.check_in(holders[1].code, gate, "out")
    return gate


def past_scans(expo, days, per_day=3):
    """``per_day`` entries of one ticket at a gate on each of ``days`` of a past expo (the
    badge passed to friends), with the counters they leave."""
    season = TicketType.objects.create(expo=expo, slug="season", name="Season", kind="season")
    ticket = services.register(expo, season, [attendee()]).tickets.get()
    gate = ScanPoint.objects.create(expo=expo, slug="gate", name="Gate", kind="gate")
    for day in days:
        for _ in range(per_day):
            CheckIn.objects.create(
                expo=expo,
                scan_point=gate,
                ticket=ticket,
                direction="in",
                result=CheckIn.Result.ENTERED,
                day=day,
                scanned_at=dt.datetime.combine(day, dt.time(10), expo.tz),
            )
        Occupancy.objects.create(expo=expo, place="expo", day=day, inside=1, entries=per_day)


def test_after_the_fair_its_check_ins_go_in_batches_and_the_daily_totals_stay(future_expo, scanned):
    kept = totals()
    assert kept and CheckIn.objects.count() == 5
    seen = []

    pruning = retention.prune_check_ins(
        future_expo, now=after(future_expo), batch_size=2, progress=lambda p: seen.append(p.deleted)
    )

    assert (pruning.held, pruning.deleted) == (5, 5)
    assert seen == [2, 4, 5]
    assert not CheckIn.objects.exists()
    assert totals() == kept
    future_expo.refresh_from_db()
    assert future_expo.check_ins_pruned_before == future_expo.end_date + dt.timedelta(days=1)
    # The recount leaves the pruned days' counters alone rather than zeroing them.
    assert services.recount_attendance(fix=True) == []
    assert totals() == kept

    again = retention.prune_check_ins(future_expo, now=after(future_expo))
    assert (again.held, again.deleted) == (0, 0)


def test_while_the_expo_runs_its_check_ins_are_kept(future_expo, scanned):
    last_minute = after(future_expo) - dt.timedelta(minutes=2)
    with pytest.raises(Conflict) as refused:
        retention.prune_check_ins(future_expo, now=last_minute)
    assert refused.value.code == "expo_running"
    with pytest.raises(CommandError, match="runs until"):
        call_command("prune_check_ins", "--expo", future_expo.slug, stdout=io.StringIO())
    assert CheckIn.objects.count() == 5
    future_expo.refresh_from_db()
    assert future_expo.check_ins_pruned_before is None


def test_a_dry_run_counts_and_deletes_nothing(future_expo, scanned):
    pruning = retention.prune_check_ins(future_expo, now=after(future_expo), dry_run=True)
    assert (pruning.held, pruning.deleted) == (5, 0)
    assert CheckIn.objects.count() == 5
    future_expo.refresh_from_db()
    assert future_expo.check_ins_pruned_before is None


def test_before_a_day_keeps_that_day_and_later_ones_counted(expo, other_expo):
    first, second = dt.date(2026, 6, 1), dt.date(2026, 6, 2)
    past_scans(expo, [first, second])
    past_scans(other_expo, [first])
    out = io.StringIO()

    call_command("prune_check_ins", "--expo", expo.slug, "--before", "2026-06-02", stdout=out)

    assert "deleted 3 check-ins of the days before 2026-06-02" in out.getvalue()
    assert set(CheckIn.objects.values_list("expo", "day").distinct()) == {
        (expo.pk, second),
        (other_expo.pk, first),
    }
    # The day still kept is checked against its rows; the pruned one is not.
    Occupancy.objects.filter(expo=expo).update(entries=7)
    [difference] = services.recount_attendance()
    assert difference == (expo.pk, "expo", second, (1, 7), (1, 3))

    out = io.StringIO()
    call_command("prune_check_ins", "--expo", expo.slug, "--dry-run", stdout=out)
    assert "would delete 3 check-ins of the days before 2026-06-08" in out.getvalue()
    out = io.StringIO()
    call_command("prune_check_ins", "--expo", expo.slug, "--before", "2026-06-02", stdout=out)
    assert "nothing to delete" in out.getvalue()


def test_a_later_run_with_an_earlier_day_keeps_the_day_reached(expo):
    """A scanner that was offline sends a first day's scans after a pruning."""
    past_scans(expo, [dt.date(2026, 6, 1), dt.date(2026, 6, 3)])
    retention.prune_check_ins(expo, before=dt.date(2026, 6, 5))
    late = CheckIn.objects.create(
        expo=expo,
        scan_point=ScanPoint.objects.get(expo=expo),
        direction="in",
        result=CheckIn.Result.INVALID_CODE,
        day=dt.date(2026, 6, 1),
        scanned_at=dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC),
    )
    assert retention.prune_check_ins(expo, before=dt.date(2026, 6, 2)).deleted == 1
    assert not CheckIn.objects.filter(pk=late.pk).exists()
    expo.refresh_from_db()
    assert expo.check_ins_pruned_before == dt.date(2026, 6, 5)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--expo", "nowhere"], "No expo has the short name 'nowhere'"),
        (["--expo", "city-expo", "--before", "1 June"], "is not a date"),
        (["--expo", "city-expo", "--batch-size", "0"], "at least 1"),
    ],
)
def test_bad_input_is_refused_and_deletes_nothing(expo, arguments, message):
    past_scans(expo, [dt.date(2026, 6, 1)])
    with pytest.raises(CommandError, match=message):
        call_command("prune_check_ins", *arguments, stdout=io.StringIO())
    assert CheckIn.objects.count() == 3
    assert not Expo.objects.filter(check_ins_pruned_before__isnull=False).exists()


def test_the_expo_has_ended_from_the_day_after_its_last_in_its_zone(future_expo):
    assert not future_expo.has_ended(after(future_expo) - dt.timedelta(minutes=2))
    assert future_expo.has_ended(after(future_expo))
    assert not future_expo.has_ended(timezone.now())
