"""The exhibitors' part of a seeded season (``ticketing/season.py``): the leads their
staff scanned at the stands, written by one statement from the season's hall entries."""

from django.db import connection

NOTES = [
    "Wants a call back",
    "Asked for the brochure",
    "Interested in a pilot project",
    "Send the price list",
    "Met at the demo, follow up in spring",
    "Kontakta efter mässan",
    "Ottaa yhteyttä syksyllä",
    "Vil gerne have et tilbud",
]

# One in four visits to a hall ends with a badge scanned at one of its stands that day;
# a visitor scanned twice at one stand is one lead. Only valid tickets entered a hall.
LEADS_SQL = """
WITH stands AS (
    SELECT booth.hall_id, booth_day.day,
           array_agg(booth_day.exhibitor_id ORDER BY booth_day.exhibitor_id) AS exhibitors
    FROM exhibitors_boothday booth_day
    JOIN exhibitors_booth booth ON booth.id = booth_day.booth_id
    WHERE booth.expo_id = %(expo)s
    GROUP BY booth.hall_id, booth_day.day
), staff AS (
    SELECT exhibitor_id, MIN(user_id) AS user_id FROM exhibitors_member GROUP BY exhibitor_id
), visits AS (
    SELECT scan.ticket_id, scan.scanned_at, stands.exhibitors[
               1 + floor(random() * cardinality(stands.exhibitors))::int] AS exhibitor_id
    FROM ticketing_checkin scan
    JOIN ticketing_scanpoint point ON point.id = scan.scan_point_id AND point.kind = 'hall'
    JOIN stands ON stands.hall_id = point.hall_id AND stands.day = scan.day
    WHERE scan.expo_id = %(expo)s AND scan.result = 'entered'
      AND scan.ticket_id >= %(first_ticket)s AND random() < 0.25
    ORDER BY scan.id
)
INSERT INTO exhibitors_lead (exhibitor_id, ticket_id, scanned_by_id, scanned_at, note, rating)
SELECT DISTINCT ON (visits.exhibitor_id, visits.ticket_id)
       visits.exhibitor_id, visits.ticket_id, staff.user_id,
       visits.scanned_at + random() * interval '20 minutes',
       CASE WHEN random() < 0.1 THEN (%(notes)s::text[])[1 + floor(random() * %(note_count)s)::int]
            ELSE '' END,
       CASE WHEN random() < 0.3 THEN 1 + floor(random() * 5)::int END
FROM visits LEFT JOIN staff ON staff.exhibitor_id = visits.exhibitor_id
ORDER BY visits.exhibitor_id, visits.ticket_id, visits.scanned_at
ON CONFLICT DO NOTHING
"""


def extend(expo, *, first_ticket_id, seed, stage):
    """Add leads for the season's tickets from ``first_ticket_id`` on; ``random()`` is
    seeded, and run on one process, so that the same season gets the same leads."""
    with stage("Leads", 1) as update, connection.cursor() as cursor:
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        cursor.execute("SELECT setseed(%s)", [(seed % 2000) / 1000 - 1])
        cursor.execute(
            LEADS_SQL,
            {
                "expo": expo.pk,
                "first_ticket": first_ticket_id,
                "notes": NOTES,
                "note_count": len(NOTES),
            },
        )
        leads = cursor.rowcount
        update(1)
        cursor.execute("ANALYZE exhibitors_lead")
    return {"leads": leads}
