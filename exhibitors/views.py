"""The exhibitor portal (``/portal/``) for exhibitors' staff, and the public exhibitor
directory, exhibitor pages and floor plans."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from events import selectors as programme
from events.models import Hall, Session
from events.permissions import is_organiser
from expo.errors import Conflict, InvalidInput
from expo.scoping import expo_of, expo_or_404

from . import selectors, services
from .csv_export import leads_download
from .forms import DirectoryFilterForm, LeadForm, LeadScanForm, MemberForm, ProfileForm
from .models import BoothDay, Exhibitor, Lead, Member
from .permissions import is_staff_of, may_manage
from .signals import portal_sections


def _managed(request, pk):
    exhibitor = get_object_or_404(Exhibitor.objects.select_related("expo"), pk=pk)
    if not may_manage(request.user, exhibitor):
        raise PermissionDenied
    return exhibitor


def _staffed(request, pk):
    exhibitor = get_object_or_404(Exhibitor.objects.select_related("expo"), pk=pk)
    if not is_staff_of(request.user, exhibitor):
        raise PermissionDenied
    return exhibitor


def _add_errors(form, error):
    for field, message in error.errors.items():
        form.add_error(field if field in form.fields else None, message)


@login_required
def portal(request):
    exhibitors = list(selectors.memberships(request.user))
    if len(exhibitors) == 1:
        return redirect("exhibitors:portal-exhibitor", pk=exhibitors[0].pk)
    return render(request, "exhibitors/portal_list.html", {"exhibitors": exhibitors})


@login_required
@expo_of(Exhibitor, "pk")
def portal_exhibitor(request, pk):
    exhibitor = _managed(request, pk)
    profile = ProfileForm(instance=exhibitor)
    member_form = MemberForm()
    status = 200
    if request.method == "POST" and "save_profile" in request.POST:
        profile = ProfileForm(request.POST, request.FILES, instance=exhibitor)
        if profile.is_valid():
            try:
                updated = profile.save(commit=False)
                if upload := profile.cleaned_data.get("logo_upload"):
                    updated.logo = services.resized_logo(upload)
                services.save_exhibitor(updated, themes=list(profile.cleaned_data["themes"]))
                messages.success(request, _("The profile is saved."))
                return redirect("exhibitors:portal-exhibitor", pk=pk)
            except InvalidInput as error:
                _add_errors(profile, error)
        status = 400
    elif request.method == "POST" and "add_member" in request.POST:
        member_form = MemberForm(request.POST)
        if member_form.is_valid():
            try:
                member = services.add_member(
                    exhibitor,
                    **member_form.cleaned_data,
                    by_organiser=is_organiser(request.user, exhibitor.expo),
                    language=get_language(),
                )
                name = member.user.get_full_name() or member.user.username
                if member.user.has_usable_password():
                    message = _("%(name)s is on the staff, with a staff badge.")
                else:
                    message = _(
                        "%(name)s is on the staff, with a staff badge. An invitation to "
                        "choose a password is on its way."
                    )
                messages.success(request, message % {"name": name})
                return redirect("exhibitors:portal-exhibitor", pk=pk)
            except InvalidInput as error:
                _add_errors(member_form, error)
            except Conflict as conflict:
                on_account = conflict.code in {"account_exists", "already_staff"}
                member_form.add_error("username" if on_account else None, str(conflict.message))
        status = 400
    context = {
        "expo": exhibitor.expo,
        "exhibitor": exhibitor,
        "profile": profile,
        "member_form": member_form,
        "members": selectors.members(exhibitor),
        "is_staff": is_staff_of(request.user, exhibitor),
        "leads": selectors.leads(exhibitor)[:200] if is_staff_of(request.user, exhibitor) else None,
        "sections": [
            link
            for _receiver, links in portal_sections.send(
                sender=Exhibitor, exhibitor=exhibitor, user=request.user
            )
            for link in links or ()
        ],
    }
    return render(request, "exhibitors/portal.html", context, status=status)


@login_required
@require_POST
@expo_of(Exhibitor, "pk")
def remove_member(request, pk, member_id):
    exhibitor = _managed(request, pk)
    member = get_object_or_404(Member, pk=member_id, exhibitor=exhibitor)
    services.remove_member(member)
    messages.success(request, _("%(name)s is off the staff.") % {"name": member.user.username})
    return redirect("exhibitors:portal-exhibitor", pk=pk)


#: How many of the latest leads the booth scanner page lists, to change or remove.
RECENT_LEADS = 5


@login_required
@expo_of(Exhibitor, "pk")
def scan(request, pk):
    """Scan visitors' badges at the booth: a keyboard-wedge scanner types the code and
    presses Enter, which sends the form, or the phone's camera reads the badge and
    sends it (``static/expo/camera.js``). The latest leads are listed to change."""
    exhibitor = _staffed(request, pk)
    form = LeadScanForm()
    result = None
    if request.method == "POST":
        form = LeadScanForm(request.POST)
        if form.is_valid():
            try:
                lead, created = services.capture_lead(
                    exhibitor,
                    form.cleaned_data["code"].strip(),
                    user=request.user,
                    note=form.cleaned_data["note"],
                    rating=form.cleaned_data["rating"],
                )
                result = {"lead": lead, "created": created}
                form = LeadScanForm()
            except InvalidInput as error:
                _add_errors(form, error)
    context = {
        "expo": exhibitor.expo,
        "exhibitor": exhibitor,
        "form": form,
        "result": result,
        "recent_leads": selectors.leads(exhibitor)[:RECENT_LEADS],
    }
    return render(request, "exhibitors/scan.html", context, status=400 if form.errors else 200)


def _lead_of(request, pk, lead_id):
    """The lead ``lead_id`` of exhibitor ``pk``, for its staff only; a lead of another
    exhibitor is not found, whoever asks."""
    exhibitor = _staffed(request, pk)
    lead = get_object_or_404(
        Lead.objects.select_related("ticket", "exhibitor"), pk=lead_id, exhibitor=exhibitor
    )
    return exhibitor, lead


@login_required
@expo_of(Exhibitor, "pk")
def edit_lead(request, pk, lead_id):
    """Change a lead's note and rating after the scan."""
    exhibitor, lead = _lead_of(request, pk, lead_id)
    form = LeadForm(initial={"note": lead.note, "rating": lead.rating})
    if request.method == "POST":
        form = LeadForm(request.POST)
        if form.is_valid():
            try:
                services.change_lead(lead, by=request.user, **form.cleaned_data)
                messages.success(request, _("The lead is saved."))
                return redirect(_leads_page(request, exhibitor))
            except InvalidInput as error:
                _add_errors(form, error)
            except Conflict as conflict:
                form.add_error(None, str(conflict.message))
    context = {
        "expo": exhibitor.expo,
        "exhibitor": exhibitor,
        "lead": lead,
        "form": form,
        "back": _leads_page(request, exhibitor),
    }
    return render(request, "exhibitors/lead.html", context, status=400 if form.errors else 200)


@login_required
@expo_of(Exhibitor, "pk")
def remove_lead(request, pk, lead_id):
    """Ask, then remove a lead."""
    exhibitor, lead = _lead_of(request, pk, lead_id)
    if request.method == "POST":
        services.remove_lead(lead, by=request.user)
        messages.success(request, _("The lead is removed."))
        return redirect(_leads_page(request, exhibitor))
    context = {
        "expo": exhibitor.expo,
        "exhibitor": exhibitor,
        "lead": lead,
        "back": _leads_page(request, exhibitor),
    }
    return render(request, "exhibitors/remove_lead.html", context)


def _leads_page(request, exhibitor):
    """Back to where the staff came from: the booth scanner page or the portal's leads."""
    if request.GET.get("from") == "scan":
        return reverse("exhibitors:scan", args=[exhibitor.pk])
    return reverse("exhibitors:portal-exhibitor", args=[exhibitor.pk]) + "#leads-heading"


@login_required
@expo_of(Exhibitor, "pk")
def export_leads(request, pk, sheet_format):
    """The stand's leads to download as CSV, semicolon-separated CSV or an Excel workbook
    (``urls.py`` names the format). To anyone but the stand's staff it is a 404, as for a
    stand that does not exist."""
    exhibitor = get_object_or_404(Exhibitor.objects.select_related("expo"), pk=pk)
    if not is_staff_of(request.user, exhibitor):
        raise Http404
    return leads_download(exhibitor, selectors.leads(exhibitor), sheet_format)


def directory(request, expo_slug):
    expo = expo_or_404(request)
    days = list(programme.opening_windows(expo))
    form = DirectoryFilterForm(request.GET or None, expo=expo, days=days)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    exhibitors = list(
        selectors.directory(
            expo,
            search=filters.get("search", "").strip(),
            theme=filters.get("theme") or None,
            hall=filters.get("hall") or None,
            day=filters.get("day"),
        )
    )
    for exhibitor in exhibitors:
        exhibitor.booth_list = selectors.booths_of(exhibitor)
    context = {"expo": expo, "form": form, "exhibitors": exhibitors}
    return render(request, "exhibitors/directory.html", context)


def exhibitor_page(request, expo_slug, pk):
    expo = expo_or_404(request)
    exhibitor = get_object_or_404(
        Exhibitor.objects.prefetch_related(
            "themes",
            Prefetch("booth_days", queryset=BoothDay.objects.select_related("booth__hall")),
            # Only the sessions of the released programme: the plan is the organisers'.
            Prefetch(
                "sessions",
                queryset=Session.objects.filter(start__isnull=False)
                .select_related("room__hall", "expo")
                .order_by("start"),
            ),
        ),
        expo=expo,
        pk=pk,
    )
    context = {
        "expo": expo,
        "exhibitor": exhibitor,
        "booths": selectors.booths_of(exhibitor),
        "sessions": exhibitor.sessions.all(),
        "organiser": is_organiser(request.user, expo),
    }
    return render(request, "exhibitors/exhibitor.html", context)


def floor_plan(request, expo_slug, hall_slug):
    """The hall's booths as labelled rectangles on an SVG plan, each linked to its
    exhibitor; ``?highlight=<exhibitor id>`` marks one, ``?day=`` picks the day."""
    expo = expo_or_404(request)
    hall = get_object_or_404(Hall, expo=expo, slug=hall_slug)
    day = programme_day(request.GET.get("day"), expo)
    booths = selectors.floor_plan(hall, day)
    highlight = request.GET.get("highlight", "")
    width = max([float(booth.x + booth.width) for booth, _holder in booths] or [10]) + 2
    depth = max([float(booth.y + booth.depth) for booth, _holder in booths] or [10]) + 2
    context = {
        "expo": expo,
        "hall": hall,
        "day": day,
        "booths": [
            {
                "booth": booth,
                "exhibitor": holder,
                "highlighted": holder is not None and str(holder.pk) == highlight,
                "cx": float(booth.x + booth.width / 2),
                "cy": float(booth.y + booth.depth / 2),
            }
            for booth, holder in booths
        ],
        "width": width,
        "depth": depth,
    }
    return render(request, "exhibitors/floor_plan.html", context)


def programme_day(value, expo):
    """The day ``?day=`` names, if it is one of the expo's days."""
    try:
        day = dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None
    return day if day and expo.start_date <= day <= expo.end_date else None
