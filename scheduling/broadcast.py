"""News of changes to an expo's plan, for the schedule boards open on it.

A notice says only that the expo's plan changed; each board then reads the page again
(the database is the truth), so a lost notice is healed by the next one or by the
board's reconnecting. Notices leave from a thread of their own, at most four a second per
expo and process, as live attendance's do (``realtime.broadcast``): a move never waits
for the channel layer."""

from realtime.broadcast import Announcer


def group_name(expo_id):
    return f"schedule.{expo_id}"


announcer = Announcer(group_name, "schedule.changed", "schedule-notices")
