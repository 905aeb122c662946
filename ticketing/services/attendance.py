"""Attendance counters checked against the check-in rows they count."""

import datetime as dt

from django.db import connection, transaction

from events.models import Expo

from ..models import CheckIn, Occupancy, ScanPoint
from .checkin import EXPO, HALL, place_of


def recount_attendance(*, fix=False):
    """Count every place's occupancy again from the ``CheckIn`` rows and compare with the
    counters. Returns the differences as ``(expo_id, place, day, counted, recounted)``
    tuples of ``(inside, entries)``; with ``fix``, the counters are set to the recount.

    The days an expo's check-ins were deleted of after the fair (``retention.prune_check_ins``)
    are left out: their counters are all that is left to count them."""
    pruned = dict(
        Expo.objects.filter(check_ins_pruned_before__isnull=False).values_list(
            "pk", "check_ins_pruned_before"
        )
    )

    def kept(key):
        expo_id, _place, day = key
        return expo_id not in pruned or day >= pruned[expo_id]

    recounted = {key: counts for key, counts in _recount().items() if kept(key)}
    with transaction.atomic():
        counters = {
            (row.expo_id, row.place, row.day): row for row in Occupancy.objects.select_for_update()
        }
        counters = {key: row for key, row in counters.items() if kept(key)}
        differences = []
        for key in sorted(set(recounted) | set(counters), key=str):
            row = counters.get(key)
            counted = (row.inside, row.entries) if row else (0, 0)
            truth = recounted.get(key, (0, 0))
            if counted == truth:
                continue
            differences.append((*key, counted, truth))
            if fix:
                expo_id, place, day = key
                Occupancy.objects.update_or_create(
                    expo_id=expo_id,
                    place=place,
                    day=day,
                    defaults={"inside": truth[0], "entries": truth[1]},
                )
    return differences


def _recount():
    """``{(expo_id, place, day): (inside, entries)}`` from the check-ins that let someone
    in or out, in one aggregate over them. Replayed per ticket and day in the order they
    were made (the ticket's lock orders them, so the ids do too), as ``check_in`` counts:
    an entry puts the ticket inside a place, an exit takes it out, an exit at a hall out
    of the sessions in its rooms too, and an exit at the expo's gate out of every place.
    So a ticket is inside a place at the end of a day when its last entry there came
    after its last exit there, at the expo's gate and at the place's hall. The database
    does the counting: the time taken grows with the check-ins, the memory in Python with
    the places and days only.

    A session's hall is its room's hall now: a session moved to another hall's room
    after people scanned in is replayed as if it had always been there."""
    points = ScanPoint.objects.values_list(
        "pk", "kind", "hall_id", "session_id", "session__room__hall_id"
    )
    rows = [
        (
            pk,
            place_of(ScanPoint(kind=kind, hall_id=hall_id, session_id=session_id)),
            f"{HALL}{session_hall_id}" if session_hall_id is not None else None,
        )
        for pk, kind, hall_id, session_id, session_hall_id in points
    ]
    if not rows:
        return {}
    point_values = ", ".join(
        ["(CAST(%s AS BIGINT), CAST(%s AS VARCHAR(32)), CAST(%s AS VARCHAR(32)))"] * len(rows)
    )
    entered, exited = CheckIn.Result.ENTERED, CheckIn.Result.EXITED
    sql = f"""
        WITH point (id, place, hall) AS (VALUES {point_values}),
        visit AS (
            SELECT c.expo_id, c.ticket_id, c.day, point.place, point.hall,
                   MAX(CASE WHEN c.result = %s THEN c.id END) AS last_in,
                   MAX(CASE WHEN c.result = %s THEN c.id END) AS last_out,
                   SUM(CASE WHEN c.result = %s THEN 1 ELSE 0 END) AS entered
            FROM {CheckIn._meta.db_table} c JOIN point ON point.id = c.scan_point_id
            WHERE c.result IN (%s, %s)
            GROUP BY c.expo_id, c.ticket_id, c.day, point.place, point.hall
        ),
        cleared AS (
            SELECT visit.*,
                   MAX(CASE WHEN place = %s THEN last_out END)
                       OVER (PARTITION BY ticket_id, day) AS left_expo,
                   MAX(CASE WHEN hall IS NULL THEN last_out END)
                       OVER (PARTITION BY ticket_id, day, COALESCE(hall, place)) AS left_hall
            FROM visit
        )
        SELECT expo_id, place, day,
               SUM(CASE WHEN last_in > COALESCE(last_out, 0)
                         AND last_in > COALESCE(left_expo, 0)
                         AND last_in > COALESCE(left_hall, 0) THEN 1 ELSE 0 END),
               SUM(entered)
        FROM cleared
        GROUP BY expo_id, place, day
    """
    params = [value for row in rows for value in row]
    params += [entered, exited, entered, entered, exited, EXPO]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        counted = cursor.fetchall()
    return {
        (expo_id, place, _as_date(day)): (int(inside), int(entries))
        for expo_id, place, day, inside, entries in counted
        if inside or entries
    }


def _as_date(day):
    """SQLite hands a date from raw SQL back as its ISO text."""
    return day if isinstance(day, dt.date) else dt.date.fromisoformat(day)
