"""The visitor's pages: registration, and the private "my tickets" page reached by the
secret link in the confirmation e-mail."""

import tempfile

from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from events.models import Expo, Session
from events.permissions import is_organiser
from expo.errors import Conflict, InvalidInput

from . import admission, badges, selectors, services
from .forms import AttendeeFormSet, ConfirmCancelForm, TicketChoiceForm
from .models import CheckIn, Order, ScanPoint, SessionBooking
from .qr import qr_svg


def register(request, expo_slug):
    expo = get_object_or_404(Expo, slug=expo_slug)
    ticket_types = selectors.public_ticket_types(expo)
    data = request.POST if request.method == "POST" else None
    choice = TicketChoiceForm(data, expo=expo, ticket_types=ticket_types)
    attendees = AttendeeFormSet(data, prefix="attendee")
    problems = []
    if data is not None and "add_attendee" in data:
        # Another attendee row, keeping what was typed; no errors shown yet.
        initial = {"ticket_type": data.get("ticket_type"), "day": data.get("day")}
        choice = TicketChoiceForm(initial=initial, expo=expo, ticket_types=ticket_types)
        attendees = _with_one_more(attendees)
        data = None
    # Both forms are validated (no short circuit) so that every error shows at once.
    elif data is not None and choice.is_valid() & attendees.is_valid():
        try:
            order = services.register(
                expo,
                choice.cleaned_data["ticket_type"],
                [services.Attendee(**form.cleaned_data) for form in attendees],
                day=choice.cleaned_data.get("day"),
                language=request.LANGUAGE_CODE,
            )
        except InvalidInput as error:
            _attach_errors(error.errors, choice, attendees)
        except Conflict as error:
            problems.append(error.message)
        else:
            messages.success(
                request, _("Thank you! We have e-mailed you the link to this page; keep it.")
            )
            return redirect("ticketing:my-tickets", expo_slug=expo.slug, secret=order.secret)
    context = {
        "expo": expo,
        "choice": choice,
        "attendees": attendees,
        "problems": problems,
        "error_summary": _error_summary(choice, attendees) if data is not None else [],
        "has_day_tickets": "day" in choice.fields,
    }
    status = 200 if data is None else 400
    return render(request, "ticketing/register.html", context, status=status)


def _with_one_more(attendees):
    """The attendee rows as posted, plus an empty one."""
    rows = [{name: form[name].value() for name in form.fields} for form in attendees.forms]
    return AttendeeFormSet(initial=[*rows, {}][:50], prefix="attendee")


def _attach_errors(errors, choice, attendees):
    for field, messages_ in errors.items():
        if field == "attendees" and messages_ and isinstance(messages_[0], dict):
            for form, form_errors in zip(attendees.forms, messages_, strict=False):
                for name, texts in form_errors.items():
                    for text in texts:
                        form.add_error(name if name in form.fields else None, text)
        elif field in choice.fields:
            for text in messages_:
                choice.add_error(field, text)
        else:
            for text in messages_:
                choice.add_error(None, text)


def _error_summary(choice, attendees):
    """Every error on the page as (anchor, message), for the summary above the form."""
    summary = [(f"id_{name}", text) for name, texts in choice.errors.items() for text in texts]
    summary += [("attendees", text) for text in attendees.non_form_errors()]
    for form in attendees.forms:
        for name, texts in form.errors.items():
            anchor = f"id_{form.prefix}-{name}" if name != "__all__" else "attendees"
            summary += [(anchor, text) for text in texts]
    return [("" if anchor == "id___all__" else anchor, text) for anchor, text in summary]


def _order(expo_slug, secret):
    return get_object_or_404(
        Order.objects.select_related("expo"), expo__slug=expo_slug, secret=secret
    )


def _private(response):
    """The page's address is a secret: keep it out of caches, referrers and indexes."""
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def my_tickets(request, expo_slug, secret):
    order = _order(expo_slug, secret)
    open_days = admission.open_days(order.expo)
    tickets = []
    for ticket in selectors.order_tickets(order):
        bookings = list(selectors.live_bookings(ticket))
        tickets.append(
            {
                "ticket": ticket,
                "days": admission.ticket_days(ticket, open_days),
                "qr": qr_svg(
                    ticket.code, label=_("QR code of ticket %(number)s") % {"number": ticket.pk}
                ),
                "bookings": [(b, services.waitlist_position(b)) for b in bookings],
                "bookable": selectors.bookable_sessions(ticket) if ticket.is_valid else {},
                "booked_ids": {b.session_id for b in bookings},
            }
        )
    return _private(
        render(
            request,
            "ticketing/my_tickets.html",
            {"order": order, "expo": order.expo, "tickets": tickets},
        )
    )


@require_POST
def book(request, expo_slug, secret, ticket_id, session_id):
    order = _order(expo_slug, secret)
    ticket = get_object_or_404(order.tickets, pk=ticket_id)
    session = get_object_or_404(Session, pk=session_id, expo=order.expo)
    try:
        booking = services.book_session(ticket, session)
    except Conflict as error:
        messages.error(request, error.message)
    else:
        if booking.status == SessionBooking.Status.BOOKED:
            messages.success(
                request, _("You have a seat in “%(title)s”.") % {"title": session.title}
            )
        else:
            messages.info(
                request,
                _("“%(title)s” is full; you are number %(position)d on the waiting list.")
                % {"title": session.title, "position": services.waitlist_position(booking)},
            )
    return redirect("ticketing:my-tickets", expo_slug=expo_slug, secret=secret)


@require_POST
def cancel_booking(request, expo_slug, secret, booking_id):
    order = _order(expo_slug, secret)
    booking = get_object_or_404(SessionBooking, pk=booking_id, ticket__order=order)
    try:
        services.cancel_booking(booking)
    except Conflict as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your booking is cancelled."))
    return redirect("ticketing:my-tickets", expo_slug=expo_slug, secret=secret)


def cancel_ticket(request, expo_slug, secret, ticket_id):
    order = _order(expo_slug, secret)
    ticket = get_object_or_404(order.tickets, pk=ticket_id)
    form = ConfirmCancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_ticket(ticket)
        except Conflict as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("The ticket for %(name)s is cancelled.") % {"name": ticket.holder_name}
            )
        return redirect("ticketing:my-tickets", expo_slug=expo_slug, secret=secret)
    response = render(
        request,
        "ticketing/cancel_ticket.html",
        {"order": order, "expo": order.expo, "ticket": ticket, "form": form},
        status=400 if form.is_bound else 200,
    )
    return _private(response)


def scanner(request, expo_slug, scan_point_slug):
    """The gate staff's page: a keyboard-wedge scanner types into it, or the camera reads
    the badge, and the answer fills the screen. Scans go to the check-in API with the
    organiser's session or a scanner device's key."""
    scan_point = get_object_or_404(
        ScanPoint.objects.select_related("expo", "hall", "session"),
        expo__slug=expo_slug,
        slug=scan_point_slug,
    )
    answers = {value: str(label) for value, label in CheckIn.Result.choices}
    context = {
        "expo": scan_point.expo,
        "scan_point": scan_point,
        "signed_in": is_organiser(request.user, scan_point.expo),
        "scanner_config": {
            "checkinUrl": reverse("checkins"),
            "scanPoint": scan_point.slug,
            "expo": scan_point.expo.slug,
            "admitted": ["entered", "exited"],
            "answers": answers,
            "texts": {
                "unreachable": _("No connection to the server. Scan again."),
                "refused": _("The scanner's key was refused. Enter it again."),
                "cameraFailed": _("The camera could not be started."),
            },
        },
    }
    return render(request, "ticketing/scanner.html", context)


def badge(request, expo_slug, secret, ticket_id):
    order = _order(expo_slug, secret)
    ticket = get_object_or_404(
        order.tickets.select_related("expo", "ticket_type"), pk=ticket_id, status="valid"
    )
    return _private(badge_response(ticket))


def badge_response(ticket):
    response = HttpResponse(badges.badge_pdf(ticket), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="badge-{ticket.pk}.pdf"'
    return response


def sheets_response(tickets, *, layout="a4x4", filename="badges.pdf"):
    """Many badges as one PDF download. The PDF goes to a file that spills to disk past a
    few megabytes, and the response streams it from there."""
    pdf = tempfile.SpooledTemporaryFile(max_size=8 * 2**20)  # noqa: SIM115  (closed by FileResponse)
    badges.write_badges(tickets, pdf, layout=layout)
    pdf.seek(0)
    return FileResponse(pdf, content_type="application/pdf", filename=filename)
