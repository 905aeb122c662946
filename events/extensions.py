"""What other apps add to the public programme pages, without ``events`` importing them
(dependencies point from ``ticketing`` to ``events``, never back). ``ticketing``
registers them at start-up; without it the pages simply leave them out."""

#: ``seats_left(sessions) -> {session id: seats left}`` for sessions booked in advance.
seats_left = None

#: ``hall_crowding(expo) -> {hall slug: "quiet" | "busy" | "full"}`` now.
hall_crowding = None

#: ``session_booking(request, session) -> HTML or None``: the session page's block that
#: books a seat with the tickets this browser holds; ``None`` when it holds none.
session_booking = None
