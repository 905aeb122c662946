"""The scans a gate made offline, sent together when it is back online."""

from django.db import transaction

from expo.errors import Conflict, InvalidInput

from .checkin import Tally, check_in


def check_in_offline(scans, scan_point, *, device=None, user=None):
    """Store a scanner's offline scans at ``scan_point``, in their order, each as
    ``check_in`` stores one made offline (once by its nonce, on the day it was made).
    ``scans`` are dicts of ``code``, ``direction``, ``nonce``, ``scanned_at`` and
    ``offline_result``. Returns, for each, its ``CheckIn`` or the ``InvalidInput`` or
    ``Conflict`` that refused it (a direction the scan point does not scan, a nonce sent
    with another scan), which stores nothing of that scan and lets the others go on.

    The batch is one transaction: one commit for hundreds of scans, and each place's
    counters moved once, at its end (``Tally``), so a backlog of thousands does not queue
    on the counter rows that the online gates' scans contend for. Each scan keeps its own
    savepoint, so a repeated one rolls back alone."""
    tally = Tally()
    stored = []
    with transaction.atomic():
        for scan in scans:
            try:
                answer = check_in(
                    scan["code"],
                    scan_point,
                    scan["direction"],
                    device=device,
                    user=user,
                    nonce=scan["nonce"],
                    scanned_at=scan["scanned_at"],
                    offline_result=scan["offline_result"],
                    tally=tally,
                )
            except (InvalidInput, Conflict) as error:
                stored.append(error)
            else:
                stored.append(answer.check_in)
        tally.apply(scan_point.expo_id)
    return stored
