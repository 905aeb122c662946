"""The statements of a scan, written out (see ``checkin.check_in``); plain SQL that
PostgreSQL and SQLite both run."""

from django.db import connection

from events.models import Room, Session

from ..models import CheckIn, Occupancy, Presence, Ticket


def _table(model):
    return connection.ops.quote_name(model._meta.db_table)


LOCK_TICKET_SQL = f"SELECT * FROM {_table(Ticket)} WHERE id = %s AND expo_id = %s"
# Entering and leaving are each one compare-and-set: a row comes back only when the
# presence changed, that is when the ticket was outside (entering) or inside (leaving).
ARRIVE_SQL = (
    f"INSERT INTO {_table(Presence)} AS presence (ticket_id, place, day, inside) "
    "VALUES (%s, %s, %s, %s) ON CONFLICT (ticket_id, place, day) "
    "DO UPDATE SET inside = excluded.inside WHERE presence.inside = %s RETURNING id"
)
LEAVE_SQL = (
    f"UPDATE {_table(Presence)} SET inside = %s "
    "WHERE ticket_id = %s AND place = %s AND day = %s AND inside = %s RETURNING place"
)
# Leaving the expo leaves every place inside it too (its halls, its sessions), in the same
# compare-and-set: only while the ticket is inside the expo, and it answers every place
# it left, so a visitor in no hall costs no more than before.
LEAVE_EXPO_SQL = (
    f"UPDATE {_table(Presence)} SET inside = %s "
    "WHERE ticket_id = %s AND day = %s AND inside = %s AND EXISTS ("
    f"SELECT 1 FROM {_table(Presence)} AS here WHERE here.ticket_id = %s "
    "AND here.place = %s AND here.day = %s AND here.inside = %s) RETURNING place"
)
# Leaving a hall leaves the sessions in its rooms too, in the same way: only while the
# ticket is inside the hall. A session's place is ``session:<id>``; each of the ticket's
# few places that day is matched to its session by primary key (the CASE keeps the cast
# away from the other places' names), so the cost does not grow with the hall's programme.
LEAVE_HALL_SQL = (
    f"UPDATE {_table(Presence)} SET inside = %s "
    "WHERE ticket_id = %s AND day = %s AND inside = %s AND (place = %s OR EXISTS ("
    f"SELECT 1 FROM {_table(Session)} AS session "
    f"JOIN {_table(Room)} AS room ON room.id = session.room_id WHERE room.hall_id = %s "
    f"AND session.id = CASE WHEN SUBSTR({_table(Presence)}.place, 1, 8) = 'session:' "
    f"THEN CAST(SUBSTR({_table(Presence)}.place, 9) AS INTEGER) END)) AND EXISTS ("
    f"SELECT 1 FROM {_table(Presence)} AS here WHERE here.ticket_id = %s "
    "AND here.place = %s AND here.day = %s AND here.inside = %s) RETURNING place"
)
# A scan whose nonce its scanner already sent conflicts with the first one's row: then
# no row comes back (``checkin.RepeatedScan``).
INSERT_CHECK_IN_SQL = (
    f"INSERT INTO {_table(CheckIn)} (expo_id, scan_point_id, ticket_id, direction, result, "
    "day, scanned_at, device_id, user_id, nonce, offline, conflict) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING RETURNING id"
)
MOVE_COUNTERS_SQL = (
    f"UPDATE {_table(Occupancy)} SET inside = inside + %s, entries = entries + %s "
    "WHERE expo_id = %s AND place = %s AND day = %s"
)
