"""The call for proposals' pages: the public call at ``/expos/<slug>/call/`` (sign-up by
e-mail, then "My proposals") and the exhibitor portal's proposals at
``/portal/<id>/proposals/``. Both doors share the form and call the same services; a
proposal is looked up among the visitor's own (or the stand's own) only, so anyone
else's id answers 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from events.models import Session
from exhibitors.models import Exhibitor
from exhibitors.permissions import is_staff_of
from expo import throttling
from expo.accounts import THROTTLE_SCOPE as ACCOUNT_MAIL_SCOPE
from expo.errors import Conflict, InvalidInput
from expo.scoping import expo_of, expo_or_404

from . import selectors, services
from .forms import ProposalForm, SignUpForm, speaker_formset
from .models import Proposal


def _call_or_404(request):
    call = selectors.call_of(expo_or_404(request))
    if call is None:
        raise Http404
    return call


def call(request, expo_slug):
    """The call: what it takes and until when; the sign-up for those not signed in, their
    proposals for those who are."""
    call = _call_or_404(request)
    form = SignUpForm()
    status = 200
    if request.method == "POST" and not request.user.is_authenticated:
        form = SignUpForm(request.POST)
        if form.is_valid():
            if wait := throttling.wait_before(request, ACCOUNT_MAIL_SCOPE):
                form.add_error(
                    None,
                    _("Too many requests from here just now. Try again in %(seconds)s seconds.")
                    % {"seconds": wait},
                )
                response = _call_page(request, call, form, status=429)
                response["Retry-After"] = str(wait)
                return response
            try:
                services.request_proposer_account(
                    call.expo, **form.cleaned_data, language=get_language()
                )
            except InvalidInput as error:
                _add_errors(form, error)
            else:
                # The same words whether or not the address has an account.
                messages.success(
                    request,
                    _(
                        "Thank you. We have e-mailed %(email)s a link to choose a password; "
                        "then sign in here to propose."
                    )
                    % {"email": form.cleaned_data["email"]},
                )
                return redirect("proposals:call", expo_slug=call.expo.slug)
        status = 400
    return _call_page(request, call, form, status=status)


def _call_context(call):
    now = timezone.now()
    return {
        "expo": call.expo,
        "call": call,
        "now": now,
        "is_open": call.is_open(now),
        "call_kinds": [Session.Kind(kind).label for kind in call.kinds],
    }


def _call_page(request, call, form, status=200):
    signed_in = request.user.is_authenticated
    context = {
        **_call_context(call),
        "form": form,
        "proposals": list(selectors.own_proposals(request.user, call.expo)) if signed_in else None,
        # Staff propose for their stand in the portal: the page points them there.
        "stands": list(selectors.stands_of(request.user, call.expo)) if signed_in else [],
    }
    return render(request, "proposals/call.html", context, status=status)


@login_required
def new_proposal(request, expo_slug):
    call = _call_or_404(request)
    back = reverse("proposals:call", kwargs={"expo_slug": call.expo.slug})

    def submit(fields, speakers):
        return services.submit_proposal(
            call, proposer=request.user, fields=fields, speakers=speakers
        )

    return _proposal_page(request, call, None, submit, back)


def _own_proposal(request, pk):
    expo = expo_or_404(request)
    return get_object_or_404(
        Proposal.objects.select_related("call__expo"),
        pk=pk,
        expo=expo,
        proposer=request.user,
        exhibitor__isnull=True,
    )


@login_required
def edit_proposal(request, expo_slug, pk):
    proposal = _own_proposal(request, pk)
    back = reverse("proposals:call", kwargs={"expo_slug": proposal.expo.slug})
    withdraw = reverse("proposals:withdraw", kwargs={"expo_slug": expo_slug, "pk": pk})
    return _proposal_page(request, proposal.call, proposal, None, back, withdraw)


@login_required
def withdraw_proposal(request, expo_slug, pk):
    proposal = _own_proposal(request, pk)
    back = reverse("proposals:call", kwargs={"expo_slug": proposal.expo.slug})
    return _withdraw_page(request, proposal, back)


# ---- The exhibitor portal ----


def _stand(request, pk):
    """The exhibitor, for its own staff; to anyone else as unknown as a missing one."""
    exhibitor = get_object_or_404(Exhibitor.objects.select_related("expo"), pk=pk)
    if not is_staff_of(request.user, exhibitor):
        raise Http404
    return exhibitor


def _stand_proposal(request, pk, proposal_id):
    exhibitor = _stand(request, pk)
    proposal = get_object_or_404(
        Proposal.objects.select_related("call__expo"), pk=proposal_id, exhibitor=exhibitor
    )
    return exhibitor, proposal


@login_required
@expo_of(Exhibitor, "pk")
def portal_proposals(request, pk):
    exhibitor = _stand(request, pk)
    call = selectors.call_of(exhibitor.expo)
    context = {
        **(_call_context(call) if call else {"expo": exhibitor.expo, "call": None}),
        "exhibitor": exhibitor,
        "places_used": selectors.partner_places_used(call, exhibitor) if call else 0,
        "proposals": list(selectors.partner_proposals(exhibitor)),
    }
    return render(request, "proposals/portal_list.html", context)


@login_required
@expo_of(Exhibitor, "pk")
def portal_new_proposal(request, pk):
    exhibitor = _stand(request, pk)
    call = selectors.call_of(exhibitor.expo)
    if call is None:
        raise Http404
    back = reverse("proposals:portal-list", args=[pk])

    def submit(fields, speakers):
        return services.submit_proposal(
            call, proposer=request.user, exhibitor=exhibitor, fields=fields, speakers=speakers
        )

    return _proposal_page(request, call, None, submit, back, exhibitor=exhibitor)


@login_required
@expo_of(Exhibitor, "pk")
def portal_edit_proposal(request, pk, proposal_id):
    exhibitor, proposal = _stand_proposal(request, pk, proposal_id)
    back = reverse("proposals:portal-list", args=[pk])
    withdraw = reverse("proposals:portal-withdraw", args=[pk, proposal_id])
    return _proposal_page(request, proposal.call, proposal, None, back, withdraw, exhibitor)


@login_required
@expo_of(Exhibitor, "pk")
def portal_withdraw_proposal(request, pk, proposal_id):
    exhibitor, proposal = _stand_proposal(request, pk, proposal_id)
    back = reverse("proposals:portal-list", args=[pk])
    return _withdraw_page(request, proposal, back, exhibitor)


# ---- What both doors share ----


def _proposal_page(request, call, proposal, submit, back, withdraw=None, exhibitor=None):
    """The form to propose (``submit`` saves a new proposal) or to change ``proposal``."""
    now = timezone.now()
    locked = None
    if proposal is not None and not proposal.is_editable_state:
        locked = _("It can no longer be changed: it is %(state)s.") % {
            "state": proposal.get_state_display().lower()
        }
    elif not call.is_open(now):
        locked = _("The call is not open, so proposals cannot be sent or changed now.")
    if proposal is not None:
        initial = {
            "title": proposal.title,
            "abstract": proposal.abstract,
            "kind": proposal.kind,
            "length_minutes": proposal.length_minutes,
            "language": proposal.language,
            "track": proposal.track_id,
            "audience": proposal.audience,
            "accessibility_needs": proposal.accessibility_needs,
            "preferred_days": proposal.preferred_days,
        }
        speakers = [
            {"name": row.name, "email": row.email, "biography": row.biography}
            for row in proposal.speakers.all()
        ]
    else:
        initial, speakers = {}, []
    form = ProposalForm(initial=initial, call=call)
    formset = speaker_formset(initial=speakers)
    status = 200
    if request.method == "POST" and locked is None:
        form = ProposalForm(request.POST, call=call)
        formset = speaker_formset(request.POST)
        if form.is_valid() & formset.is_valid():
            fields, rows = form.proposal_fields(), formset.speakers()
            try:
                if proposal is None:
                    submit(fields, rows)
                    messages.success(request, _("Your proposal is sent. Thank you!"))
                else:
                    services.change_proposal(proposal, fields=fields, speakers=rows)
                    messages.success(request, _("Your changes are saved."))
                return redirect(back)
            except InvalidInput as error:
                _add_errors(form, error, formset)
            except Conflict as conflict:
                form.add_error(None, str(conflict.message))
        status = 400
    context = {
        "expo": call.expo,
        "call": call,
        "exhibitor": exhibitor,
        "proposal": proposal,
        "locked": locked,
        "form": form,
        "formset": formset,
        "back": back,
        "withdraw": withdraw if proposal is not None and proposal.is_editable_state else None,
        "error_summary": _error_summary(form, formset) if status == 400 else None,
    }
    return render(request, "proposals/form.html", context, status=status)


def _withdraw_page(request, proposal, back, exhibitor=None):
    error = None
    if request.method == "POST":
        try:
            services.withdraw_proposal(proposal)
        except Conflict as conflict:
            error = conflict.message
        else:
            messages.success(request, _("“%(title)s” is withdrawn.") % {"title": proposal.title})
            return redirect(back)
    context = {
        "expo": proposal.expo,
        "exhibitor": exhibitor,
        "proposal": proposal,
        "back": back,
        "error": error,
        "withdrawable": proposal.is_editable_state,
    }
    return render(request, "proposals/withdraw.html", context, status=409 if error else 200)


def _add_errors(form, error, formset=None):
    for field, messages_ in error.errors.items():
        if field == "speakers" and formset is not None:
            formset._non_form_errors = formset.error_class(
                [*formset.non_form_errors(), *messages_], renderer=formset.renderer
            )
        else:
            form.add_error(field if field in form.fields else None, messages_)


def _error_summary(form, formset):
    """(anchor, message) for each error, the anchor the field's id."""
    summary = [(None, error) for error in form.non_field_errors()]
    for field in form:
        anchor = field.auto_id
        if field.name == "preferred_days":
            anchor = f"{field.auto_id}_0"
        summary.extend((anchor, f"{field.label}: {error}") for error in field.errors)
    summary.extend(("speakers", error) for error in formset.non_form_errors())
    for number, row in enumerate(formset.forms, start=1):
        for field in row:
            summary.extend(
                (
                    field.auto_id,
                    _("Speaker %(number)d, %(field)s: %(error)s")
                    % {"number": number, "field": field.label, "error": error},
                )
                for error in field.errors
            )
    return summary
