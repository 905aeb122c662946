"""The scans a gate made offline, sent together when it is back online."""

from django.db import transaction

from expo.errors import Conflict, InvalidInput

from ..models import CheckIn
from .checkin import RepeatedScan, Tally, check_in

#: How often a batch is stored again when another request stored some of its scans
#: while it ran (the device retried it meanwhile).
ATTEMPTS = 3


def check_in_offline(scans, scan_point, *, device=None, user=None):
    """Store a scanner's offline scans at ``scan_point``, in their order, each as
    ``check_in`` stores one made offline (once by its nonce, on the day it was made).
    ``scans`` are dicts of ``code``, ``direction``, ``nonce``, ``scanned_at`` and
    ``offline_result``. Returns, for each, its ``CheckIn`` or the ``InvalidInput`` or
    ``Conflict`` that refused it (a direction the scan point does not scan, a nonce sent
    with another scan), which stores nothing of that scan and lets the others go on.

    A backlog of thousands must not slow the gates that are online, so a batch costs as
    little as it can: it is one transaction (one commit for hundreds of scans) that moves
    each place's counters once, at its end (``Tally``), so it does not queue on the
    counter rows the online gates' scans contend for. The scans already stored (a batch
    sent again) are found with one query beforehand and answered from their rows; the
    others need no savepoint each. Should another request store one of them meanwhile,
    the batch is rolled back and stored again, finding it stored."""
    for attempt in range(ATTEMPTS):
        try:
            return _store(scans, scan_point, device, user, savepoints=attempt == ATTEMPTS - 1)
        except RepeatedScan:
            continue
    raise AssertionError("unreachable: the last attempt keeps a savepoint for each scan")


def _store(scans, scan_point, device, user, savepoints):
    scanner = {"device": device} if device is not None else {"device": None, "user": user}
    sent = set(
        CheckIn._base_manager.filter(
            nonce__in=[scan["nonce"] for scan in scans], **scanner
        ).values_list("nonce", flat=True)
    )
    tally = Tally()
    stored = []
    with transaction.atomic():
        for scan in scans:
            repeat = scan["nonce"] in sent
            sent.add(scan["nonce"])  # the same scan twice in one batch
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
                    savepoint=repeat or savepoints,
                )
            except (InvalidInput, Conflict) as error:
                stored.append(error)
            else:
                stored.append(answer.check_in)
        tally.apply(scan_point.expo_id)
    return stored
