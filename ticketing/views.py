"""The visitor's pages: registration, and the private "my tickets" page reached by the
secret link in the confirmation e-mail."""

import contextlib
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from events import exports
from events.models import Session
from events.permissions import is_organiser
from events.translations import translated
from expo import throttling
from expo.errors import Conflict, InvalidInput
from expo.scoping import expo_or_404

from . import admission, badges, extensions, privacy, remembered, selectors, services
from .exports import attendees_download
from .forms import (
    MOST_ATTENDEE_ROWS,
    AttendeeFormSet,
    ConfirmCancelForm,
    ConfirmEraseForm,
    OrderLinksForm,
    TicketChoiceForm,
)
from .models import ERASED_SECRET_PREFIX, CheckIn, Order, ScanPoint, SessionBooking, Ticket
from .qr import qr_svg


def register(request, expo_slug):
    """Choose a ticket (and a day for a day ticket), name the attendees, register.

    "Add another attendee" and "Remove" are submit buttons: the page comes back with one
    row more or less and nothing checked yet, so the form works without JavaScript.
    """
    expo = expo_or_404(request)
    ticket_types = selectors.public_ticket_types(expo)
    if request.method != "POST":
        choice = TicketChoiceForm(expo=expo, ticket_types=ticket_types)
        attendees = AttendeeFormSet(prefix="attendee")
        return _register_page(request, expo, choice, attendees)
    data = request.POST
    if "add_attendee" in data or "remove_attendee" in data:
        return _change_attendee_rows(request, expo, ticket_types)

    choice = TicketChoiceForm(data, expo=expo, ticket_types=ticket_types)
    attendees = AttendeeFormSet(data, prefix="attendee")
    # Both forms are validated (no short circuit) so that every error shows at once.
    if choice.is_valid() & attendees.is_valid():
        if wait := throttling.wait_before(request, "registrations"):
            choice.add_error(
                None,
                _("Too many registrations from here just now. Try again in %(seconds)s seconds.")
                % {"seconds": wait},
            )
            response = _register_page(request, expo, choice, attendees, status=429)
            response["Retry-After"] = str(wait)
            return response
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
            # Sold out or no longer on sale: about the ticket, or its day when one is full.
            field = "day" if error.extra.get("day") and "day" in choice.fields else "ticket_type"
            choice.add_error(field, error.message)
        else:
            messages.success(request, _("Thank you — we have e-mailed you the link to this page."))
            return redirect("ticketing:my-tickets", expo_slug=expo.slug, secret=order.secret)
    return _register_page(request, expo, choice, attendees, status=400)


def _register_page(request, expo, choice, attendees, *, notices=(), focus=None, status=200):
    bound = choice.is_bound and attendees.is_bound
    context = {
        "expo": expo,
        "choice": choice,
        "radios": _radios(choice),
        "attendees": attendees,
        "notices": notices,
        "error_summary": _error_summary(choice, attendees) if bound else [],
        "focus": focus,
        "links_form": OrderLinksForm(),
    }
    return render(request, "ticketing/register.html", context, status=status)


def _radios(choice):
    """The ticket types as radio buttons, each with its price, days and description."""
    bound = choice["ticket_type"]
    picked = str(bound.value() or "")
    return [
        {
            **option,
            "id": f"{bound.auto_id}_{index}",
            "value": option["ticket_type"].pk,
            "checked": str(option["ticket_type"].pk) == picked,
        }
        for index, option in enumerate(choice.options)
    ]


def _change_attendee_rows(request, expo, ticket_types):
    """The page again with an attendee row added or removed, keeping what was typed."""
    data = request.POST
    posted = AttendeeFormSet(data, prefix="attendee")
    rows = [{name: form[name].value() for name in form.fields} for form in posted.forms]
    rows = rows[:MOST_ATTENDEE_ROWS] or [{}]
    choice = TicketChoiceForm(
        initial={"ticket_type": data.get("ticket_type"), "day": data.get("day")},
        expo=expo,
        ticket_types=ticket_types,
    )
    chosen = choice.chosen_ticket_type()
    limit = min(chosen.max_per_order if chosen else choice.most_per_order, MOST_ATTENDEE_ROWS)
    notices, focus = [], None
    if "remove_attendee" in data:
        try:
            index = int(data["remove_attendee"])
        except ValueError:
            index = -1
        if 0 < index < len(rows):
            del rows[index]
        focus = "add-attendee"
    elif len(rows) >= limit:
        notices.append(
            ngettext(
                "At most %(count)d ticket fits in one order.",
                "At most %(count)d tickets fit in one order.",
                limit,
            )
            % {"count": limit}
        )
    else:
        rows.append({})
        focus = f"id_attendee-{len(rows) - 1}-name"
    attendees = AttendeeFormSet(initial=rows, prefix="attendee")
    if focus and focus.startswith("id_attendee-"):
        # Straight on to the new row's name (each form has its own copy of the widget).
        attendees.forms[-1].fields["name"].widget.attrs["autofocus"] = True
    return _register_page(request, expo, choice, attendees, notices=notices, focus=focus)


def _attach_errors(errors, choice, attendees):
    """Put a service's field errors next to the fields they are about."""
    for field, texts in errors.items():
        if field == "attendees" and texts and isinstance(texts[0], dict):
            for form, form_errors in zip(attendees.forms, texts, strict=False):
                for name, form_texts in (form_errors or {}).items():
                    for text in form_texts:
                        form.add_error(name if name in form.fields else None, text)
        elif field == "attendees":
            attendees.non_form_errors().extend(texts)
        else:
            for text in texts:
                choice.add_error(field if field in choice.fields else None, text)


def _error_summary(choice, attendees):
    """Every error on the page as (anchor, message), in page order, for the summary."""
    summary = []
    for name, texts in choice.errors.items():
        if name == NON_FIELD_ERRORS:
            anchor = ""
        elif name == "ticket_type":
            radios = _radios(choice)
            picked = next((radio for radio in radios if radio["checked"]), None)
            anchor = (picked or radios[0])["id"] if radios else ""
        else:
            anchor = choice[name].auto_id
        summary += [(anchor, text) for text in texts]
    summary += [("attendees", text) for text in attendees.non_form_errors()]
    several = len(attendees.forms) > 1
    for number, form in enumerate(attendees.forms, start=1):
        for name, texts in form.errors.items():
            anchor = form[name].auto_id if name in form.fields else f"attendee-{number}"
            for text in texts:
                if several:
                    text = _("Attendee %(number)d: %(message)s") % {
                        "number": number,
                        "message": text,
                    }
                summary.append((anchor, text))
    return summary


def _order(expo_slug, secret):
    if secret.startswith(ERASED_SECRET_PREFIX):
        raise Http404  # an erased order's stand-in (``privacy.erased_secret``) opens nothing
    return get_object_or_404(
        Order.objects.select_related("expo"), expo__slug=expo_slug, secret=secret
    )


def _private(response):
    """The page's address is a secret: keep it out of shared caches and search indexes,
    and out of the Referer header of any request to another site.

    ``same-origin`` rather than ``no-referrer``: under ``no-referrer`` a browser sends
    ``Origin: null`` with the page's own form posts, and Django's CSRF check refuses
    them (403), so no button on the page would work. To every other site the two
    policies are the same: no Referer at all.
    """
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _back_to_order(expo_slug, secret):
    return _private(redirect("ticketing:my-tickets", expo_slug=expo_slug, secret=secret))


def my_tickets(request, expo_slug, secret):
    try:
        order = _order(expo_slug, secret)
    except Http404:
        return _erased_or_404(request, secret)
    open_days = admission.open_days(order.expo)
    tickets = []
    for ticket in selectors.order_tickets(order):
        bookings = list(selectors.live_bookings(ticket))
        booked_ids = {booking.session_id for booking in bookings}
        tickets.append(
            {
                "ticket": ticket,
                "days": admission.ticket_days(ticket, open_days),
                "qr": qr_svg(
                    ticket.code,
                    label=_("QR code of the ticket of %(name)s") % {"name": ticket.holder_name},
                )
                if ticket.is_valid
                else "",
                "bookings": [
                    {"booking": booking, "position": services.waitlist_position(booking)}
                    for booking in bookings
                ],
                "bookable": _bookable(ticket, booked_ids, open_days),
                "scanned_by": extensions.exhibitors_who_scanned(ticket)
                if extensions.exhibitors_who_scanned
                else [],
            }
        )
    # The programme's session pages offer this browser's tickets a seat from now on; an
    # order with no valid ticket left (all cancelled, or erased) has nothing to book.
    if any(entry["ticket"].is_valid for entry in tickets):
        remembered.remember(request, order)
    else:
        remembered.forget(request, order.expo, order)
    context = {"order": order, "expo": order.expo, "tickets": tickets}
    return _private(render(request, "ticketing/my_tickets.html", context))


def _bookable(ticket, booked_ids, open_days):
    """The sessions ``ticket`` could still book, by day, with the seats left in each;
    those it has booked already are listed under its bookings instead, and those its
    ticket does not admit (another conference's, a hall it does not cover) not at all."""
    if not ticket.is_valid:
        return []
    days = []
    for day, sessions in selectors.bookable_sessions(ticket).items():
        offers = [
            {"session": session, "seats_left": selectors.seats_free(session, session.booked)}
            for session in sessions
            if session.pk not in booked_ids
            and admission.session_refusal(ticket, session, open_days) is None
        ]
        if offers:
            days.append((day, offers))
    return days


@require_POST
def book(request, expo_slug, secret, ticket_id, session_id):
    order = _order(expo_slug, secret)
    ticket = get_object_or_404(order.tickets, pk=ticket_id)
    session = get_object_or_404(Session, pk=session_id, expo=order.expo)
    _book(request, ticket, session)
    return _back_to_order(expo_slug, secret)


@require_POST
def cancel_booking(request, expo_slug, secret, booking_id):
    order = _order(expo_slug, secret)
    booking = get_object_or_404(
        SessionBooking.objects.select_related("session"), pk=booking_id, ticket__order=order
    )
    _cancel_booking(request, booking)
    return _back_to_order(expo_slug, secret)


def _book(request, ticket, session):
    """Book through the service and tell the visitor what came of it: a seat, a place on
    the waiting list, or why not (every ``Conflict`` of ``book_session``)."""
    title = translated(session, "title")
    try:
        booking = services.book_session(ticket, session)
    except Conflict as error:
        messages.error(
            request,
            _("“%(title)s” is not booked: %(reason)s") % {"title": title, "reason": error.message},
        )
        return
    if booking.status == SessionBooking.Status.BOOKED:
        messages.success(request, _("You have a seat in “%(title)s”.") % {"title": title})
    else:
        messages.info(
            request,
            _("“%(title)s” is full; you are number %(position)d on the waiting list.")
            % {"title": title, "position": services.waitlist_position(booking)},
        )


def _cancel_booking(request, booking):
    title = translated(booking.session, "title")
    was_waiting = booking.status == SessionBooking.Status.WAITLISTED
    try:
        services.cancel_booking(booking)
    except Conflict as error:
        messages.error(
            request, _("“%(title)s”: %(reason)s") % {"title": title, "reason": error.message}
        )
        return
    if was_waiting:
        messages.success(
            request, _("You have left the waiting list of “%(title)s”.") % {"title": title}
        )
    else:
        messages.success(request, _("Your booking of “%(title)s” is cancelled.") % {"title": title})


# Booking from the programme's session page, with the tickets this browser holds


def session_booking_panel(request, session):
    """The session page's booking block, as HTML: each valid ticket of the orders this
    browser has opened (``remembered``) that is valid on the session's day, with a button
    to book it a seat, join the waiting list, or give either up. ``None`` when the session
    is not booked in advance or the browser holds no valid ticket of its expo, and the page
    then says how to book. Registered in ``events.extensions`` at start-up."""
    if session.capacity is None:
        return None
    expo = session.expo
    orders = remembered.orders(request, expo)
    if not orders:
        return None
    held = list(selectors.valid_tickets_of(orders))
    if not held:  # all cancelled, or erased
        return None
    day = expo.local_day(session.start)
    open_days = admission.open_days(expo)
    tickets = [ticket for ticket in held if day in admission.ticket_days(ticket, open_days)]
    bookings = {
        booking.ticket_id: booking
        for booking in SessionBooking.objects.filter(session=session, ticket__in=tickets).exclude(
            status=SessionBooking.Status.CANCELLED
        )
    }
    entries = []
    for ticket in tickets:
        booking = bookings.get(ticket.pk)
        refusal = None if booking else admission.session_refusal(ticket, session, open_days)
        entries.append(
            {
                "ticket": ticket,
                "booking": booking,
                "position": services.waitlist_position(booking) if booking else None,
                "refusal": refusal[1] if refusal else None,
            }
        )
    context = {
        "expo": expo,
        "session": session,
        "day": day,
        "entries": entries,
        "seats_left": selectors.seats_left([session])[session.pk],
        "over": session.end <= timezone.now(),
    }
    return render_to_string("ticketing/_session_booking.html", context, request=request)


def _back_to_session(session):
    return redirect("events:session", expo_slug=session.expo.slug, session_id=session.pk)


def _held(request, expo, rows, order_field, posted):
    """The row of ``rows`` whose id was posted, if it belongs to an order this browser
    holds (through ``order_field``); ``None`` when the id is not a number, is another
    order's, or its order was forgotten in the meantime."""
    if not (posted.isascii() and posted.isdigit() and len(posted) < 19):
        return None
    orders = remembered.orders(request, expo)
    return rows.filter(pk=int(posted), **{f"{order_field}__in": orders}).first()


def _not_held(request):
    messages.error(
        request,
        _(
            "This browser no longer holds that ticket. Open your tickets page from the link "
            "in your confirmation e-mail, then come back to this session."
        ),
    )


def _programme_session(expo, session_id):
    return get_object_or_404(
        Session.objects.select_related("expo"), pk=session_id, expo=expo, start__isnull=False
    )


@require_POST
def book_from_session(request, expo_slug, session_id):
    expo = expo_or_404(request)
    session = _programme_session(expo, session_id)
    ticket = _held(request, expo, Ticket.objects.all(), "order", request.POST.get("ticket", ""))
    if ticket is None:
        _not_held(request)
    else:
        _book(request, ticket, session)
    return _back_to_session(session)


@require_POST
def cancel_from_session(request, expo_slug, session_id):
    expo = expo_or_404(request)
    session = _programme_session(expo, session_id)
    bookings = SessionBooking.objects.filter(session=session)
    booking = _held(request, expo, bookings, "ticket__order", request.POST.get("booking", ""))
    if booking is None:
        _not_held(request)
    else:
        booking.session = session
        _cancel_booking(request, booking)
    return _back_to_session(session)


@require_POST
def forget_tickets(request, expo_slug, session_id):
    """On a shared computer: this browser forgets the visitor's orders of the expo."""
    expo = expo_or_404(request)
    session = _programme_session(expo, session_id)
    remembered.forget(request, expo)
    messages.success(
        request,
        _("This browser no longer holds your tickets. Your private link still opens them."),
    )
    return _back_to_session(session)


def cancel_ticket(request, expo_slug, secret, ticket_id):
    """A page that asks first: cancelling cannot be undone."""
    order = _order(expo_slug, secret)
    ticket = get_object_or_404(order.tickets.select_related("ticket_type"), pk=ticket_id)
    if not ticket.is_valid:
        messages.info(request, _("This ticket is already cancelled."))
        return _back_to_order(expo_slug, secret)
    form = ConfirmCancelForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            services.cancel_ticket(ticket)
        except Conflict as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("The ticket of %(name)s is cancelled.") % {"name": ticket.holder_name}
            )
        return _back_to_order(expo_slug, secret)
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
            "offlineSyncUrl": reverse("checkins-offline"),
            "offlineDataUrl": reverse(
                "scan-point-offline", args=[scan_point.expo.slug, scan_point.slug]
            ),
            "workerUrl": reverse("ticketing:scanner-worker", args=[scan_point.expo.slug]),
            "ed25519Url": static("vendor/noble-ed25519/index.js"),
            "warnMinutes": settings.SCANNER_OFFLINE_WARN_MINUTES,
            "scanPoint": scan_point.slug,
            "expo": scan_point.expo.slug,
            "admitted": ["entered", "exited"],
            "answers": answers,
            "texts": {
                "unreachable": _("No connection to the server. Scan again."),
                "retrying": _("No answer yet: trying again…"),
                "refused": _("The scanner's key was refused. Enter it again."),
                "online": _("Online: badges are checked by the server."),
                "offline": _("Offline: badges are checked on this device."),
                "pending": _("Scans waiting to be sent: %(count)s"),
                "age": _("Keys and cancelled tickets updated %(minutes)s min ago."),
                "noData": _(
                    "This device has no keys and cancelled tickets yet: connect to the "
                    "network to fetch them."
                ),
                "stale": _(
                    "Older than %(minutes)s minutes: connect to the network to update them."
                ),
                "unknown": _(
                    "This ticket is newer than this device's list. Check it at a connected scanner."
                ),
                "syncRefused": _(
                    "The server refused this device's key: the scans wait until it is "
                    "entered again."
                ),
            },
        },
    }
    return render(request, "ticketing/scanner.html", context)


@require_POST
def stop_sharing(request, expo_slug, secret, ticket_id):
    """The visitor withdraws their consent to share contact details with exhibitors."""
    order = _order(expo_slug, secret)
    ticket = get_object_or_404(order.tickets, pk=ticket_id)
    services.stop_sharing_contact(ticket)
    messages.success(
        request,
        _("Exhibitors no longer see the contact details of %(name)s.")
        % {"name": ticket.holder_name},
    )
    return _private(redirect("ticketing:my-tickets", expo_slug=expo_slug, secret=secret))


def my_schedule(request, expo_slug, secret):
    """The sessions the order has seats in, as iCalendar for the visitor's calendar."""
    order = _order(expo_slug, secret)
    calendar = exports.ical(
        order.expo,
        selectors.booked_sessions(order),
        name=_("My sessions at %(expo)s") % {"expo": translated(order.expo, "name")},
        url_of=lambda session: request.build_absolute_uri(
            reverse("events:session", args=[order.expo.slug, session.pk])
        ),
    )
    response = HttpResponse(calendar, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{order.expo.slug}-my-sessions.ics"'
    return _private(response)


def badge(request, expo_slug, secret, ticket_id):
    order = _order(expo_slug, secret)
    ticket = get_object_or_404(
        order.tickets.select_related("expo", "ticket_type"), pk=ticket_id, status="valid"
    )
    return _private(badge_response(ticket))


def badge_response(ticket):
    response = HttpResponse(badges.render_badge(ticket), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="badge-{ticket.pk}.pdf"'
    return response


def sheets_response(tickets, *, layout="a4x4", filename="badges.pdf"):
    """Many badges as one PDF download, streamed: each chunk goes out as soon as it is
    drawn, so neither the server's memory nor the time to the first byte grows with the
    number of badges. ``tickets`` should be a lazy iterator (``queryset.iterator()``) with
    ``order`` selected: each badge is in its holder's language."""
    response = StreamingHttpResponse(
        badges.iter_badge_pdf(tickets, layout, in_holders_language=True),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def session_attendees(request, expo_slug, session_id, sheet_format):
    """A session's attendee list for the expo's organisers, in ``sheet_format`` (named by
    ``urls.py``). To anyone else, and for another expo's session, it is a 404."""
    expo = expo_or_404(request)
    if not is_organiser(request.user, expo):
        raise Http404
    session = get_object_or_404(Session.objects.select_related("expo"), expo=expo, pk=session_id)
    return attendees_download(session, sheet_format)


# The visitor's self-service: their links again, the privacy notice, and their data.


def email_my_tickets(request, expo_slug):
    """The "E-mail me my tickets" page: the links of the orders bought with an address,
    sent to that address. The page answers the same words whether or not the address
    bought anything, so that it tells nobody who registered."""
    expo = expo_or_404(request)
    form = OrderLinksForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        if wait := throttling.wait_before(request, "ticket_links"):
            form.add_error(
                None,
                _("Too many requests from here just now. Try again in %(seconds)s seconds.")
                % {"seconds": wait},
            )
            response = _email_my_tickets_page(request, expo, form, status=429)
            response["Retry-After"] = str(wait)
            return response
        email = form.cleaned_data["email"]
        services.email_order_links(expo, email)
        messages.success(
            request,
            _(
                "If orders for this expo were made with %(email)s, we have e-mailed their "
                "links to that address. It may take a few minutes to arrive."
            )
            % {"email": email},
        )
        return redirect("ticketing:email-my-tickets", expo_slug=expo.slug)
    return _email_my_tickets_page(request, expo, form, status=400 if form.is_bound else 200)


def _email_my_tickets_page(request, expo, form, *, status):
    context = {"expo": expo, "links_form": form}
    return render(request, "ticketing/email_my_tickets.html", context, status=status)


def privacy_notice(request, expo_slug):
    """Who holds what about a visitor of this expo, why, for how long, and their rights."""
    expo = expo_or_404(request)
    context = {"expo": expo, "kept_until": expo.keeps_visitor_data_until}
    return render(request, "ticketing/privacy.html", context)


def my_data(request, expo_slug, secret):
    """Everything held about the order's buyer that the order's secret reaches, as the
    operator's ``export_person`` writes it (``privacy.Person``)."""
    order = _order(expo_slug, secret)
    export = privacy.export_person(order.email, order=order)
    response = HttpResponse(
        json.dumps(export, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{order.expo.slug}-my-data.json"'
    return _private(response)


def erase_me(request, expo_slug, secret):
    """A page that asks first, then erases the buyer's data that the order's secret
    reaches, through the service ``manage.py erase_person`` uses: their tickets in the
    order are cancelled (places and seats go to others) and anonymised, the order loses
    its address and its link. Rows stay, so counts and statistics do not change."""
    try:
        order = _order(expo_slug, secret)
    except Http404:
        return _erased_or_404(request, secret)
    form = ConfirmEraseForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        # A Conflict means another request (a double click) erased it at the same moment.
        with contextlib.suppress(Conflict):
            privacy.erase_person(order.email, order=order)
        messages.success(
            request,
            _(
                "Your data is erased: your tickets in the order are cancelled, your name "
                "and e-mail address are gone, and the order's private link no longer opens."
            ),
        )
        return redirect("ticketing:privacy", expo_slug=order.expo.slug)
    buyer = privacy.Person(order.email, order).tickets()
    context = {
        "order": order,
        "expo": order.expo,
        "form": form,
        "own_tickets": list(buyer.select_related("ticket_type")),
        "others_tickets": list(
            order.tickets.filter(status=Ticket.Status.VALID).exclude(pk__in=buyer.values("pk"))
        ),
    }
    response = render(
        request, "ticketing/erase.html", context, status=400 if form.is_bound else 200
    )
    return _private(response)


def _erased_or_404(request, secret):
    """An erased order's old link says so (``410 Gone``); any other unknown link is the
    same 404 as ever."""
    expo = expo_or_404(request)
    if not privacy.was_erased(expo, secret):
        raise Http404
    return _private(render(request, "ticketing/erased.html", {"expo": expo}, status=410))
