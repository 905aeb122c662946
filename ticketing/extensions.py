"""What other apps add to the visitor's pages, without ``ticketing`` importing them
(``exhibitors`` depends on ``ticketing``, never the other way). ``exhibitors`` registers
it at start-up; without it the pages leave it out."""

#: ``exhibitors_who_scanned(ticket) -> [(exhibitor name, when)]``
exhibitors_who_scanned = None
