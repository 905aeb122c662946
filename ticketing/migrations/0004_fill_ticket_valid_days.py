"""Record the days of the tickets sold before tickets kept them: what each admits now, as
``admission.ticket_days`` worked it out from the opening days until then."""

import datetime as dt

from django.db import migrations


def open_days(expo, OpeningDay):
    closed = set(
        OpeningDay.objects.filter(expo=expo, is_closed=True).values_list("date", flat=True)
    )
    count = (expo.end_date - expo.start_date).days + 1
    days = (expo.start_date + dt.timedelta(days=offset) for offset in range(count))
    return [day for day in days if day not in closed]


def type_days(ticket_type, days):
    if ticket_type.valid_days:
        return sorted(dt.date.fromisoformat(day) for day in ticket_type.valid_days)
    if ticket_type.kind == "conference" and ticket_type.conference_id:
        conference = ticket_type.conference
        return [day for day in days if conference.start_date <= day <= conference.end_date]
    return days


def fill_valid_days(apps, schema_editor):
    TicketType = apps.get_model("ticketing", "TicketType")
    Ticket = apps.get_model("ticketing", "Ticket")
    OpeningDay = apps.get_model("events", "OpeningDay")
    open_days_of = {}
    for ticket_type in TicketType.objects.select_related("expo", "conference"):
        expo = ticket_type.expo
        if expo.pk not in open_days_of:
            open_days_of[expo.pk] = open_days(expo, OpeningDay)
        days = [day.isoformat() for day in type_days(ticket_type, open_days_of[expo.pk])]
        tickets = Ticket.objects.filter(ticket_type=ticket_type, valid_days=[])
        tickets.filter(day__isnull=True).update(valid_days=days)
        for day in tickets.filter(day__isnull=False).values_list("day", flat=True).distinct():
            tickets.filter(day=day).update(valid_days=[day.isoformat()])


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0005_texts_in_other_languages"),
        ("ticketing", "0003_ticket_valid_days"),
    ]

    operations = [migrations.RunPython(fill_valid_days, migrations.RunPython.noop)]
