"""Attendance counters checked against the check-in rows they count."""

from django.db import transaction
from django.db.models import Count, Q

from ..models import CheckIn, Occupancy, ScanPoint
from .checkin import place_of


def recount_attendance(*, fix=False):
    """Count every place's occupancy again from the ``CheckIn`` rows and compare with the
    counters. Returns the differences as ``(expo_id, place, day, counted, recounted)``
    tuples of ``(inside, entries)``; with ``fix``, the counters are set to the recount."""
    recounted = {}
    rows = CheckIn.objects.values(
        "expo_id", "day", "scan_point__kind", "scan_point__hall_id", "scan_point__session_id"
    ).annotate(
        entered=Count("pk", filter=Q(result=CheckIn.Result.ENTERED)),
        exited=Count("pk", filter=Q(result=CheckIn.Result.EXITED)),
    )
    for row in rows:
        point = ScanPoint(
            kind=row["scan_point__kind"],
            hall_id=row["scan_point__hall_id"],
            session_id=row["scan_point__session_id"],
        )
        key = (row["expo_id"], place_of(point), row["day"])
        inside, entries = recounted.get(key, (0, 0))
        recounted[key] = (inside + row["entered"] - row["exited"], entries + row["entered"])
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
