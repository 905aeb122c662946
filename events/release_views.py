"""Releases of the schedule: the organisers' page that releases the plan as the next
version, and the public changelog of every release."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from expo.errors import Conflict, InvalidInput
from expo.scoping import expo_or_404

from . import selectors, services
from .forms import ReleaseForm
from .permissions import is_organiser


def releases(request, expo_slug):
    """What the next release would change, the form that releases it, and the releases
    so far."""
    expo = expo_or_404(request)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not is_organiser(request.user, expo):
        raise PermissionDenied
    form = ReleaseForm(request.POST if request.method == "POST" else None, expo=expo)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            note = form.save(commit=False)
            try:
                release = services.release_schedule(
                    expo,
                    note=note.note,
                    note_translations=note.note_translations,
                    by=request.user,
                )
            except InvalidInput as error:
                for field, field_errors in error.errors.items():
                    for message in field_errors:
                        form.add_error(field if field in form.fields else None, message)
            except Conflict as conflict:
                form.add_error(None, str(conflict.message))
            else:
                messages.success(
                    request, _("Version %(number)d is released.") % {"number": release.number}
                )
                return redirect("events:releases", expo.slug)
        status = 400
    earlier = list(selectors.releases(expo).select_related("released_by"))
    context = {
        "expo": expo,
        "form": form,
        "changes": selectors.next_release(expo),
        "next_number": (earlier[0].number if earlier else 0) + 1,
        "releases": [(release, selectors.shown_changes(release)) for release in earlier],
    }
    return render(request, "events/releases.html", context, status=status)


def changelog(request, expo_slug):
    """Every release of the schedule, newest first, with what it changed."""
    expo = expo_or_404(request)
    public = set(selectors.programme(expo).values_list("pk", flat=True))
    context = {
        "expo": expo,
        "public": public,
        "releases": [
            (release, selectors.shown_changes(release)) for release in selectors.releases(expo)
        ],
    }
    return render(request, "events/changelog.html", context)
