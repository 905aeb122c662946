"""Check-in: a badge scanned at a gate, a hall entrance or a session door."""

import dataclasses

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from expo.errors import Conflict, InvalidInput

from .. import admission, codes, lookups, signals
from ..models import CheckIn, Occupancy, Presence, ScanPoint, SessionBooking, Ticket
from . import checkin_sql as sql


@dataclasses.dataclass
class ScanAnswer:
    check_in: CheckIn
    ticket: Ticket | None
    occupancy: dict


class RepeatedScan(Exception):
    """The scanner already sent this nonce: the scan's writes are rolled back."""


class Tally:
    """Counter moves held back, to be made together just before a batch of scans commits
    (``services.offline``): each place's counter row, the one every gate's scans contend
    for, is then locked once for the batch, and only at its end."""

    def __init__(self, base=None):
        self.moves = {}
        self.base = base  # the batch's tally, when this one holds one scan's moves

    def add(self, place, day, inside, entries):
        moved = self.moves.get((place, day), (0, 0))
        self.moves[(place, day)] = (moved[0] + inside, moved[1] + entries)

    def merge(self, other):
        for (place, day), (inside, entries) in other.moves.items():
            self.add(place, day, inside, entries)

    def inside(self, place, day):
        """How many more are inside than the counter row says."""
        held = self.moves.get((place, day), (0, 0))[0]
        return held + (self.base.inside(place, day) if self.base else 0)

    def apply(self, expo_id):
        """Make the moves, innermost places first (as ``_count_out``)."""
        for (place, day), (inside, entries) in sorted(
            self.moves.items(), key=lambda item: (*_nesting_order(item[0][0]), item[0][1])
        ):
            if inside or entries:
                _move_counters(expo_id, place, day, inside=inside, entries=entries)
        self.moves = {}


def check_in(
    code,
    scan_point,
    direction,
    *,
    device=None,
    user=None,
    nonce=None,
    scanned_at=None,
    offline_result=None,
    tally=None,
    savepoint=True,
):
    """Scan a badge at ``scan_point``: verify its code, apply the admission rules and
    count the visitor in or out. Every scan is stored as a ``CheckIn`` with its result,
    refused or not; a wrong ``direction`` for the scan point is bad input.

    A scan made offline comes with ``scanned_at`` and the ``offline_result`` the device
    showed at the gate, and counts on the day it was made. What happened at the gate is
    what is stored: a visitor the device let in is inside whatever the server would have
    said (see ``_admitted_offline``), and one it refused did not get in. Exits are
    decided here as online, since nobody is kept inside. With a ``tally``, the counters
    are not moved but added to it (and the answer has no occupancy): a batch of offline
    scans moves them once, in its own transaction, which this scan's becomes part of.
    Without a ``savepoint`` (in a batch that found its repeats beforehand), a repeat
    raises ``RepeatedScan`` and the batch's whole transaction is rolled back.

    A scanner that retries a scan whose answer it lost sends the scan's ``nonce`` again:
    that answers the first scan's result with the place's counters now, and stores and
    moves nothing. The repeat is found by the check-in's insert itself (its unique
    constraint), so a scan with a new nonce costs no extra statement; the repeat then
    rolls its writes back.

    This is the hottest path of a fair's opening hour, so it makes few round trips: one
    statement locks the ticket and reads its presence, and the counters move in one
    ``UPDATE … RETURNING`` that also enforces the capacity. The counter row is the one
    that every scan at the place contends for, so it is written last, just before the
    commit that releases it.
    """
    if direction not in {ScanPoint.Direction.IN, ScanPoint.Direction.OUT}:
        raise InvalidInput({"direction": _("Scan “in” or “out”.")})
    if scan_point.direction not in {direction, ScanPoint.Direction.BOTH}:
        raise InvalidInput(
            {
                "direction": _("%(point)s only scans “%(direction)s”.")
                % {"point": scan_point.name, "direction": scan_point.direction}
            }
        )
    expo = scan_point.expo
    offline = offline_result is not None
    now = scanned_at if offline else timezone.now()
    day = expo.local_day(now)
    place = place_of(scan_point)
    ticket_id = _ticket_id_of(code, expo)
    held = Tally(base=tally) if tally is not None else None
    try:
        with transaction.atomic(savepoint=savepoint):
            ticket = _locked_ticket(ticket_id, expo) if ticket_id is not None else None
            counters, left, conflict = None, [], ""
            counted = False  # the counters moved already (or were held back)
            if ticket is None:
                result = CheckIn.Result.INVALID_CODE
                if offline_result == CheckIn.Result.ENTERED:
                    conflict = result  # let in, but there is no ticket to count
            elif offline and direction == ScanPoint.Direction.IN:
                if offline_result == CheckIn.Result.ENTERED:
                    result, conflict, counters = _admitted_offline(
                        ticket, scan_point, place, day, held
                    )
                    counted = True
                else:
                    result = offline_result
            elif not ticket.is_valid:
                result, left = _scan_cancelled(ticket, place, direction, day)
            else:
                refusal = _refusal(ticket, scan_point, day)
                if refusal:
                    result = refusal
                else:
                    result, counters, left = _pass(ticket, scan_point, place, direction, day)
            check_in = CheckIn(
                expo=expo,
                scan_point=scan_point,
                ticket=ticket,
                direction=direction,
                result=result,
                day=day,
                scanned_at=now,
                device=device,
                user=user,
                nonce=nonce or "",
                offline=offline,
                conflict=conflict,
            )
            _insert_check_in(check_in)
            if held is not None:
                if result == CheckIn.Result.ENTERED and not counted:
                    held.add(place, day, inside=1, entries=1)
                elif result == CheckIn.Result.EXITED:
                    for gone in left:
                        held.add(gone, day, inside=-1, entries=0)
            elif counters is None:
                if result == CheckIn.Result.ENTERED:
                    counters = _move_counters(expo.pk, place, day, inside=1, entries=1)
                elif result == CheckIn.Result.EXITED:
                    counters = _count_out(expo.pk, place, left, day)
                else:
                    counters = _read_counters(expo.pk, place, day)
            transaction.on_commit(
                lambda: signals.attendance_changed.send(
                    sender=CheckIn, expo_id=expo.pk, scan_point_id=scan_point.pk, result=result
                )
            )
    except RepeatedScan:
        if not savepoint:
            raise
        return _first_answer(scan_point, direction, ticket_id, place, day, device, user, nonce)
    if held is not None:
        tally.merge(held)
        return ScanAnswer(check_in=check_in, ticket=ticket, occupancy=None)
    return ScanAnswer(check_in=check_in, ticket=ticket, occupancy=_occupancy(scan_point, counters))


def _ticket_id_of(code, expo):
    try:
        verified = codes.verify(code)
    except codes.InvalidCode:
        return None
    return verified.ticket_id if verified.expo_id == expo.pk else None


def _locked_ticket(ticket_id, expo):
    """The ticket, locked, with its type.

    The lock orders every scan of one badge, so the same badge at two gates in the same
    instant enters once: the second scan waits here until the first has written the
    presence. The statement is written out because building it through the ORM cost
    more than running it; the ticket type comes from ``lookups``. It names the expo
    itself, so it goes through the base manager: the scoped one would build a filtered
    query only for ``raw`` to drop it."""
    statement = sql.LOCK_TICKET_SQL
    if connection.features.has_select_for_update:
        statement += " FOR NO KEY UPDATE"
    ticket = next(iter(Ticket._base_manager.raw(statement, [ticket_id, expo.pk])), None)
    if ticket is not None:
        ticket.ticket_type = lookups.ticket_type(ticket.ticket_type_id)
    return ticket


def _first_answer(scan_point, direction, ticket_id, place, day, device, user, nonce):
    """The answer to the scan this nonce was first sent with; a nonce sent again with
    another badge, place or direction is the scanner's mistake, refused as such."""
    scanner = {"device": device} if device is not None else {"device": None, "user": user}
    # The nonce is the scanner's across the expos it scans in: look past the scope, then
    # check that it is the same scan.
    first = CheckIn._base_manager.select_related("ticket").get(nonce=nonce, **scanner)
    if (first.scan_point_id, first.direction, first.ticket_id) != (
        scan_point.pk,
        direction,
        ticket_id,
    ):
        raise Conflict(
            _("This scanner sent this nonce with another scan; send a new one."),
            code="nonce_reused",
        )
    ticket = first.ticket
    if ticket is not None:
        ticket.ticket_type = lookups.ticket_type(ticket.ticket_type_id)
    counters = _read_counters(scan_point.expo_id, place, day)
    return ScanAnswer(check_in=first, ticket=ticket, occupancy=_occupancy(scan_point, counters))


def _insert_check_in(check_in):
    """``check_in.save()``, for a new row, without building the statement each time;
    ``RepeatedScan`` when the scanner already sent its nonce."""
    ops = connection.ops
    params = [
        check_in.expo_id,
        check_in.scan_point_id,
        check_in.ticket_id,
        check_in.direction,
        check_in.result,
        ops.adapt_datefield_value(check_in.day),
        ops.adapt_datetimefield_value(check_in.scanned_at),
        check_in.device_id,
        check_in.user_id,
        check_in.nonce,
        check_in.offline,
        check_in.conflict,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql.INSERT_CHECK_IN_SQL, params)
        row = cursor.fetchone()
    if row is None:
        raise RepeatedScan
    check_in.pk = row[0]
    check_in._state.adding = False


def _scan_cancelled(ticket, place, direction, day):
    """A cancelled ticket gets in nowhere, but its holder, who may have been inside when
    it was cancelled, is still let out: otherwise the place would count them forever.
    Returns the result and the places left (see ``_leave``)."""
    if direction == ScanPoint.Direction.OUT and (left := _leave(ticket, place, day)):
        return CheckIn.Result.EXITED, left
    return CheckIn.Result.CANCELLED, []


def _refusal(ticket, scan_point, day):
    """The result word that refuses this valid ticket here today, or ``None``."""
    open_days = list(lookups.opening_windows(scan_point.expo))
    if day not in admission.ticket_days(ticket, open_days):
        return CheckIn.Result.NOT_VALID_TODAY
    if scan_point.kind == ScanPoint.Kind.HALL and not admission.admits_hall(
        ticket.ticket_type, scan_point.hall_id
    ):
        return CheckIn.Result.NOT_VALID_HERE
    if scan_point.kind == ScanPoint.Kind.SESSION:
        session = scan_point.session
        # A session out of the published programme (cancelled, or not released yet)
        # admits no one at its door.
        if session.start is None or scan_point.expo.local_day(session.start) != day:
            return CheckIn.Result.NOT_VALID_HERE
        if admission.session_refusal(ticket, session, open_days) is not None:
            return CheckIn.Result.NOT_VALID_HERE
    return None


def _admitted_offline(ticket, scan_point, place, day, held=None):
    """Count a visitor that an offline scanner let in, and say what the server would
    have answered instead (``""`` when it agrees). They are inside: the entry counts, and
    puts them inside the place unless they were inside already (then only the entries
    move, as a recount of the rows does). Returns ``(result, conflict, counters)``; with
    ``held`` (a ``Tally``), the counters are added to it and ``None`` comes back."""
    verdict = (
        (_refusal(ticket, scan_point, day) or CheckIn.Result.ENTERED)
        if ticket.is_valid
        else CheckIn.Result.CANCELLED
    )
    arrived = _arrive(ticket, place, day)
    if held is not None:
        held.add(place, day, inside=int(arrived), entries=1)
        counters = None
    else:
        counters = _move_counters(scan_point.expo_id, place, day, inside=int(arrived), entries=1)
    if not arrived:
        if verdict == CheckIn.Result.ENTERED:
            verdict = CheckIn.Result.ALREADY_INSIDE
    elif verdict == CheckIn.Result.ENTERED:
        limit, full = _limit_for(ticket, scan_point, place, day)
        if limit is not None:
            # A batch holds its moves back: the place's count is the row's and the batch's.
            inside = counters[0] if counters else _inside_with(scan_point, place, day, held)
            if inside > limit:
                verdict = full
    conflict = "" if verdict == CheckIn.Result.ENTERED else verdict
    return CheckIn.Result.ENTERED, conflict, counters


def _inside_with(scan_point, place, day, held):
    return _read_counters(scan_point.expo_id, place, day)[0] + held.inside(place, day)


#: The place of the expo's gates; every other place (``hall:<id>``, ``session:<id>``) is
#: inside it.
EXPO = "expo"
#: How a hall's place begins; a session's is ``session:<id>``.
HALL = "hall:"


def place_of(scan_point):
    if scan_point.kind == ScanPoint.Kind.HALL:
        return f"{HALL}{scan_point.hall_id}"
    if scan_point.kind == ScanPoint.Kind.SESSION:
        return f"session:{scan_point.session_id}"
    return EXPO


def _pass(ticket, scan_point, place, direction, day):
    """The result of an admissible ticket, the place's counters if they were already
    moved or read (``None`` leaves them to ``check_in``), and the places an exit left.

    An entry at a place with a capacity takes its seat in the same statement that checks
    the capacity, so two people never take the last place. Elsewhere the counters move
    after the check-in row is written (see ``check_in``)."""
    if direction == ScanPoint.Direction.OUT:
        if not (left := _leave(ticket, place, day)):
            return CheckIn.Result.NOT_INSIDE, None, []
        return CheckIn.Result.EXITED, None, left
    if not _arrive(ticket, place, day):
        return CheckIn.Result.ALREADY_INSIDE, None, []
    limit, full = _limit_for(ticket, scan_point, place, day)
    if limit is None:
        return CheckIn.Result.ENTERED, None, []
    counters = _move_counters(scan_point.expo_id, place, day, inside=1, entries=1, limit=limit)
    if counters is None:
        _undo_arrival(ticket, place, day)  # the place is full: they did not get in after all
        return full, _read_counters(scan_point.expo_id, place, day), []
    return CheckIn.Result.ENTERED, counters, []


def _limit_for(ticket, scan_point, place, day):
    """How many may be inside the place for this ticket to enter, and the refusal word.

    A session door keeps the seats of those who booked: someone who booked always gets
    in, while a walk-in gets one of the seats that are not held for a booked person who
    has not arrived yet."""
    if scan_point.kind == ScanPoint.Kind.HALL:
        return scan_point.hall.capacity, CheckIn.Result.HALL_FULL
    if scan_point.kind != ScanPoint.Kind.SESSION:
        return None, None
    session = scan_point.session
    # The session and the place are the expo's already: the scope's join on the tickets
    # would only slow the door down.
    booked = SessionBooking.objects.with_scopes_disabled().filter(
        session=session, status=SessionBooking.Status.BOOKED
    )
    if booked.filter(ticket=ticket).exists():
        return session.seats, CheckIn.Result.SESSION_FULL
    arrived = Presence.objects.with_scopes_disabled().filter(place=place, day=day, inside=True)
    held = booked.exclude(ticket__in=arrived.values("ticket")).count()
    return session.seats - held, CheckIn.Result.SESSION_FULL


def _arrive(ticket, place, day):
    """Mark the ticket inside ``place`` today; ``False`` when it was inside already."""
    day = connection.ops.adapt_datefield_value(day)
    with connection.cursor() as cursor:
        cursor.execute(sql.ARRIVE_SQL, [ticket.pk, place, day, True, False])
        return cursor.fetchone() is not None


def _leave(ticket, place, day):
    """Mark the ticket outside ``place`` today and return the places it left: none when
    it was not inside. Leaving a place leaves every place inside it as well: the expo's
    gate its halls and sessions, a hall the sessions in its rooms, so a visitor who walks
    out without scanning out of the inner place no longer counts there."""
    day = connection.ops.adapt_datefield_value(day)
    if place == EXPO:
        statement, params = sql.LEAVE_EXPO_SQL, [False, ticket.pk, day, True]
        params += [ticket.pk, EXPO, day, True]
    elif place.startswith(HALL):
        hall_id = int(place.removeprefix(HALL))
        statement, params = sql.LEAVE_HALL_SQL, [False, ticket.pk, day, True, place, hall_id]
        params += [ticket.pk, place, day, True]
    else:
        statement, params = sql.LEAVE_SQL, [False, ticket.pk, place, day, True]
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return [row[0] for row in cursor.fetchall()]


def _undo_arrival(ticket, place, day):
    """Mark the ticket outside ``place`` alone: it was refused after ``_arrive`` (the
    place is full), so it never was inside, and places within it are not its to leave."""
    day = connection.ops.adapt_datefield_value(day)
    with connection.cursor() as cursor:
        cursor.execute(sql.LEAVE_SQL, [False, ticket.pk, place, day, True])


def _count_out(expo_id, place, left, day):
    """Take one off the counters of every place an exit left and return the counters of
    the scanned ``place``. The places come innermost first (sessions, then halls, each in
    name order), so that any two exits lock their rows in the same order; the scanned
    place, the outermost left and the row every scan here contends for, comes last."""
    for inner in sorted(set(left) - {place}, key=_nesting_order):
        _move_counters(expo_id, inner, day, inside=-1, entries=0)
    return _move_counters(expo_id, place, day, inside=-1, entries=0)


def _nesting_order(place):
    return (place == EXPO, place.startswith(HALL), place)


def _move_counters(expo_id, place, day, *, inside, entries, limit=None):
    """Move a place's counters for the day and return them as ``(inside, entries)``; with
    a ``limit``, only while fewer than ``limit`` are inside (``None`` when full). The
    day's row is made by the first scan that needs it."""
    statement = sql.MOVE_COUNTERS_SQL
    params = [inside, entries, expo_id, place, connection.ops.adapt_datefield_value(day)]
    if limit is not None:
        statement += " AND inside < %s"
        params.append(limit)
    statement += " RETURNING inside, entries"
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        row = cursor.fetchone()
        if row is None:
            Occupancy.objects.bulk_create(
                [Occupancy(expo_id=expo_id, place=place, day=day)], ignore_conflicts=True
            )
            cursor.execute(statement, params)
            row = cursor.fetchone()
    return row


def _read_counters(expo_id, place, day):
    row = (
        Occupancy.objects.filter(expo_id=expo_id, place=place, day=day)
        .values_list("inside", "entries")
        .first()
    )
    return row or (0, 0)


def _occupancy(scan_point, counters):
    inside, entries = counters
    answer = {"place": scan_point.kind, "inside": inside, "entries_today": entries}
    if scan_point.kind == ScanPoint.Kind.HALL:
        answer.update(hall=scan_point.hall.slug, capacity=scan_point.hall.capacity)
    elif scan_point.kind == ScanPoint.Kind.SESSION:
        answer.update(session=scan_point.session_id, capacity=scan_point.session.seats)
    return answer
