"""Attendance counters checked against the check-in rows they count."""

import itertools
import operator

from django.db import transaction

from ..models import CheckIn, Occupancy, ScanPoint
from .checkin import EXPO, HALL, place_of


def recount_attendance(*, fix=False):
    """Count every place's occupancy again from the ``CheckIn`` rows and compare with the
    counters. Returns the differences as ``(expo_id, place, day, counted, recounted)``
    tuples of ``(inside, entries)``; with ``fix``, the counters are set to the recount."""
    recounted = _recount()
    with transaction.atomic():
        counters = {
            (row.expo_id, row.place, row.day): row for row in Occupancy.objects.select_for_update()
        }
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
    in or out, replayed per ticket and day in the order they were made (the ticket's lock
    orders them): an entry puts the ticket inside a place, an exit takes it out, an exit
    at a hall out of the sessions in its rooms too, and an exit at the expo's gate out of
    every place, as ``check_in`` does. The rows are streamed, so the memory taken grows
    with the places and days, not the visitors.

    A session's hall is its room's hall now: a session moved to another hall's room
    after people scanned in is replayed as if it had always been there."""
    points = ScanPoint.objects.values_list(
        "pk", "kind", "hall_id", "session_id", "session__room__hall_id"
    )
    places, hall_of = {}, {}
    for pk, kind, hall_id, session_id, session_hall_id in points:
        places[pk] = place_of(ScanPoint(kind=kind, hall_id=hall_id, session_id=session_id))
        if session_hall_id is not None:
            hall_of[places[pk]] = f"{HALL}{session_hall_id}"
    scans = (
        CheckIn.objects.filter(result__in=[CheckIn.Result.ENTERED, CheckIn.Result.EXITED])
        .order_by("ticket_id", "day", "pk")
        .values_list("ticket_id", "day", "expo_id", "scan_point_id", "result")
        .iterator(chunk_size=5000)
    )
    inside, entries = {}, {}
    for (_ticket, day), visit in itertools.groupby(scans, key=operator.itemgetter(0, 1)):
        where = set()
        for _ticket, _day, expo_id, point_id, result in visit:
            place = places[point_id]
            if result == CheckIn.Result.ENTERED:
                where.add(place)
                key = (expo_id, place, day)
                entries[key] = entries.get(key, 0) + 1
            elif place == EXPO:
                where.clear()
            else:
                where -= {place} | {inner for inner in where if hall_of.get(inner) == place}
        for place in where:
            key = (expo_id, place, day)
            inside[key] = inside.get(key, 0) + 1
    return {key: (inside.get(key, 0), entries.get(key, 0)) for key in set(inside) | set(entries)}
