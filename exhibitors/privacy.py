"""Leads and staff memberships in a person's export and erasure (see ticketing/privacy.py)."""

from ticketing import privacy

from . import services
from .models import Lead, Member


@privacy.section("leads")
def _leads(person):
    """The exhibitors who scanned the person's badges."""
    leads = Lead.objects.filter(ticket__in=person.tickets()).select_related("exhibitor")
    return [
        {
            "exhibitor": lead.exhibitor.name,
            "ticket": lead.ticket_id,
            "scanned_at": lead.scanned_at.isoformat(),
            "note": lead.note,
            "rating": lead.rating,
            "contact_shared": lead.consented,
        }
        for lead in leads
    ]


@privacy.ticket_rows("leads")
def _count_leads(tickets):
    return Lead.objects.filter(ticket__in=tickets).count()


@privacy.section("exhibitor staff")
def _memberships(person):
    members = Member.objects.filter(user__in=person.accounts()).select_related("exhibitor", "user")
    return [{"exhibitor": m.exhibitor.name, "username": m.user.username} for m in members]


@privacy.eraser("leads")
def _erase_leads(person):
    """Exhibitors' notes can describe the person: they go; the lead stays, anonymous."""
    return Lead.objects.filter(ticket__in=person.tickets()).update(note="", rating=None)


@privacy.eraser("exhibitor staff")
def _erase_memberships(person):
    """The person leaves every exhibitor's staff, their staff badges cancelled. Runs before
    their accounts are anonymised, which is how it finds them."""
    members = list(
        Member.objects.filter(user__in=person.accounts())
        .select_related("user", "exhibitor")
        .order_by("pk")
    )
    names = {
        member.pk: (str(member), f"{privacy.erased_username(member.user)} @ {member.exhibitor}")
        for member in members
    }
    for member in members:
        services.remove_member(member)
    privacy.rename_in_admin_history(Member, names)
    return len(members)
