"""The call for proposals' pages: the public call at ``/expos/<slug>/call/`` (sign-up by
e-mail, then "My proposals") and the exhibitor portal's proposals at
``/portal/<id>/proposals/``. Both doors share the form and call the same services; a
proposal is looked up among the visitor's own (or the stand's own) only, so anyone
else's id answers 404.

The review's pages, ``/manage/<slug>/proposals/`` and ``…/<id>/``, are for the expo's
organisers and its call's reviewers (403 for anyone else); another expo's proposal is
404. Reviewers score; organisers also accept and reject, one by one or in bulk."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from events.models import Session
from exhibitors.models import Exhibitor
from exhibitors.permissions import is_staff_of
from expo import dates, throttling
from expo.accounts import THROTTLE_SCOPE as ACCOUNT_MAIL_SCOPE
from expo.errors import Conflict, InvalidInput
from expo.scoping import expo_of, expo_or_404

from . import selectors, services
from .forms import ProposalForm, ReviewFilterForm, ScoreForm, SignUpForm, speaker_formset
from .models import Proposal
from .permissions import may_decide, may_review

# Proposals on one page of the review list.
REVIEW_PAGE_SIZE = 25
# A posted id longer than this is no row's: databases keep ids in 64 bits.
MOST_ID_DIGITS = 18


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
        "reviews": signed_in and may_review(request.user, call.expo),
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


# ---- The review ----


def _review_call(request):
    """The call under review, for its expo's organisers and reviewers only."""
    call = _call_or_404(request)
    if not may_review(request.user, call.expo):
        raise PermissionDenied
    return call


def _reviewed_proposal(request, pk):
    call = _review_call(request)
    proposal = get_object_or_404(
        Proposal.objects.select_related("call__expo", "track", "exhibitor", "session"),
        pk=pk,
        call=call,
    )
    return call, proposal


def _list_address(expo, query=""):
    """The review list's address with ``query`` (its filters, sort and page), rebuilt
    from the parsed values so nothing but a query can follow the path."""
    path = reverse("proposals:review_list", kwargs={"expo_slug": expo.slug})
    query = QueryDict(query).urlencode()
    return f"{path}?{query}" if query else path


@login_required
def review_list(request, expo_slug):
    call = _review_call(request)
    form = ReviewFilterForm(request.GET or None, call=call)
    queue = selectors.review_queue(call, request.user, **form.filters())
    page = Paginator(queue, REVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "expo": call.expo,
        "call": call,
        "form": form,
        # The filters stay folded while only the order is chosen.
        "filtering": any(request.GET.get(name) for name in form.fields if name != "order"),
        "page": page,
        "query": query.urlencode(),
        "may_decide": may_decide(request.user, call.expo),
        "criteria_count": call.criteria.count(),
    }
    return render(
        request, "proposals/review_list.html", context, status=400 if form.errors else 200
    )


@login_required
def review(request, expo_slug, pk):
    """A proposal with its reviews side by side, and the reviewer's own score form."""
    call, proposal = _reviewed_proposal(request, pk)
    sheet = selectors.review_sheet(proposal, request.user)
    initial = {}
    if sheet.mine is not None:
        initial = {f"score_{score.criterion_id}": score.value for score in sheet.mine.scores.all()}
        initial["comment"] = sheet.mine.comment
    form = ScoreForm(initial=initial, criteria=sheet.criteria)
    status = 200
    if request.method == "POST":
        form = ScoreForm(request.POST, criteria=sheet.criteria)
        if form.is_valid():
            try:
                services.review_proposal(
                    proposal,
                    reviewer=request.user,
                    scores=form.scores(),
                    comment=form.cleaned_data["comment"],
                )
            except InvalidInput as error:
                for field, messages_ in error.errors.items():
                    form.add_error(field if field in form.fields else None, messages_)
            except Conflict as conflict:
                form.add_error(None, str(conflict.message))
            else:
                messages.success(request, _("Your review is saved."))
                return redirect("proposals:review", expo_slug=call.expo.slug, pk=proposal.pk)
        status = 400
    context = {
        "expo": call.expo,
        "call": call,
        "proposal": proposal,
        "speakers": list(proposal.speakers.all()),
        "preferred_days": [dates.expo_day(day) for day in proposal.preferred_dates],
        "sheet": sheet,
        "form": form,
        "may_decide": may_decide(request.user, call.expo),
        "back": _list_address(call.expo, request.GET.get("back", "")),
        "back_query": QueryDict(request.GET.get("back", "")).urlencode(),
    }
    return render(request, "proposals/review.html", context, status=status)


@login_required
@require_POST
def decide(request, expo_slug, pk):
    """Accept or reject one proposal, from its review page."""
    call, proposal = _reviewed_proposal(request, pk)
    _decide(request, call, [proposal.pk])
    return redirect("proposals:review", expo_slug=call.expo.slug, pk=proposal.pk)


@login_required
@require_POST
def decide_many(request, expo_slug):
    """Accept or reject the proposals ticked on the review list."""
    call = _review_call(request)
    ids = [
        value
        for value in request.POST.getlist("proposal")
        if value.isascii() and value.isdigit() and len(value) <= MOST_ID_DIGITS
    ]
    if not ids:
        messages.error(request, _("Tick the proposals to accept or reject first."))
    else:
        _decide(request, call, ids)
    return redirect(_list_address(call.expo, request.POST.get("back", "")))


def _decide(request, call, ids):
    if not may_decide(request.user, call.expo):
        raise PermissionDenied
    accept = request.POST.get("decision") == "accept"
    if not accept and request.POST.get("decision") != "reject":
        messages.error(request, _("Choose to accept or to reject."))
        return
    decide = services.accept_proposals if accept else services.reject_proposals
    try:
        decision = decide(call.expo, [int(pk) for pk in ids], by=request.user)
    except (InvalidInput, Conflict) as refusal:
        messages.error(request, refusal.message)
        return
    if decision.decided:
        titles = ", ".join(f"“{proposal.title}”" for proposal in decision.decided)
        text = (
            _("Accepted: %(titles)s. Each is now a session to schedule; its proposer is told.")
            if accept
            else _("Not accepted: %(titles)s. Each proposer is told.")
        )
        messages.success(request, text % {"titles": titles})
    if decision.skipped:
        messages.info(
            request,
            _("Left as they were (decided before, or withdrawn): %(titles)s.")
            % {"titles": ", ".join(f"“{proposal.title}”" for proposal in decision.skipped)},
        )
