"""What every admin of the back office shares: the organiser's scope, and refusals shown
where the organiser acted.

Scope: superusers see every expo; other staff only the expos they organise. The admin
filters by itself, whatever else scopes a request: lists, change, delete and history
pages (another expo's object is a 404, as if it did not exist), the choices of related
fields (so raw-id and autocomplete lookups and posted ids stay inside too), list filters,
actions and inlines.

Refusals: saves, inlines and actions call the services; a refused save shows the service's
``InvalidInput`` or ``Conflict`` on the form, a refused delete or action as a message. The
admin's own transaction is rolled back first, so nothing of the refused request is kept.
"""

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.http import Http404, HttpResponseRedirect

from expo.errors import DomainError, InvalidInput
from expo.parsers import JSONFormField

from .models import Expo
from .selectors import organised_expos


def expo_path(model):
    """The lookup from ``model`` to its expo, or ``None`` for a model of no expo (a user).

    A model with an ``expo`` field names it; the others (a booth day, a staff member, a
    lead, a session booking) reach it through their first required reference that has one.
    """
    if model is Expo:
        return "pk"
    if _has_expo(model):
        return "expo"
    for field in model._meta.fields:
        if field.many_to_one and not field.null and _has_expo(field.related_model):
            return f"{field.name}__expo"
    return None


def _has_expo(model):
    try:
        model._meta.get_field("expo")
    except FieldDoesNotExist:
        return False
    return True


def expo_id_of(obj):
    """The id of the expo ``obj`` belongs to (``None`` while it has none)."""
    path = expo_path(type(obj))
    if path == "pk":
        return obj.pk
    *hops, _expo = path.split("__")
    for hop in hops:
        obj = getattr(obj, hop, None)
        if obj is None:
            return None
    return obj.expo_id


def in_scope(queryset, user, path):
    """``queryset`` limited to the expos ``user`` organises, through the lookup ``path``."""
    if user.is_superuser or path is None:
        return queryset
    return queryset.filter(**{f"{path}__in": organised_expos(user)})


class BoundedChangeList(ChangeList):
    """A date drill-down past the year 9999 overflows while Django works out its end; that
    is a bad lookup, answered as Django answers one (back to the list, ``?e=1``)."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except OverflowError as error:
            raise IncorrectLookupParameters(error) from error


class ScopedRelatedFilter(admin.RelatedFieldListFilter):
    """A filter by a related object that lists the objects of the user's expos.

    ``RelatedOnlyFieldListFilter`` lists only the objects the listed rows refer to, which
    it finds with a ``DISTINCT`` over the whole list: over a million tickets or five
    million check-ins, seconds on every page. The few expos, ticket types or scan points
    of the user's expos are read from their own small table instead, so a choice may
    show that no row refers to yet, and no other expo's names show."""

    def field_choices(self, field, request, model_admin):
        related = field.related_model
        queryset = in_scope(related._default_manager.all(), request.user, expo_path(related))
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            queryset = queryset.order_by(*ordering)
        return [(obj.pk, str(obj)) for obj in queryset]


class OrganiserScopeMixin:
    """Keeps a model admin or an inline inside the expos the user organises.

    For an inline, ``obj`` of the permission checks is the object the inline belongs to;
    its expo decides as much as the inline's own rows do.
    """

    formfield_overrides = {models.JSONField: {"form_class": JSONFormField}}

    def get_queryset(self, request):
        return in_scope(super().get_queryset(request), request.user, expo_path(self.model))

    def is_in_scope(self, request, obj):
        if request.user.is_superuser or obj is None or obj.pk is None:
            return True
        return organised_expos(request.user).filter(pk=expo_id_of(obj)).exists()

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self.is_in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.is_in_scope(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.is_in_scope(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        self._limit_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        self._limit_choices(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _limit_choices(self, db_field, request, kwargs):
        model = db_field.related_model
        path = expo_path(model)
        if request.user.is_superuser or path is None:
            return
        queryset = kwargs.get("queryset")
        if queryset is None:
            queryset = self.get_field_queryset(None, db_field, request)
        if queryset is None:
            queryset = model._default_manager.all()
        kwargs["queryset"] = in_scope(queryset, request.user, path)

    def get_list_filter(self, request):
        """A filter by a related object lists only those the listed rows refer to, so no
        other expo's names show in it."""
        return [self._scoped_filter(spec) for spec in super().get_list_filter(request)]

    def _scoped_filter(self, spec):
        if isinstance(spec, str) and get_fields_from_path(self.model, spec)[-1].is_relation:
            return (spec, admin.RelatedOnlyFieldListFilter)
        return spec


class ScopedTabularInline(OrganiserScopeMixin, admin.TabularInline):
    """An inline kept inside the organiser's expos."""

    def has_add_permission(self, request, obj):
        return super().has_add_permission(request, obj) and self.is_in_scope(request, obj)


class ScopedModelAdmin(OrganiserScopeMixin, admin.ModelAdmin):
    """The base of every model admin of the back office: scoped, and showing refusals."""

    def get_changelist(self, request, **kwargs):
        return BoundedChangeList

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            # Another expo's object is as unknown as one that does not exist; Django's
            # default would redirect with a message that names the id.
            raise Http404
        return obj

    def get_changeform_initial_data(self, request):
        """What an add page's address fills in, less a related object named by anything
        but its id: the autocomplete inputs would look it up and fail."""
        initial = super().get_changeform_initial_data(request)
        for field in self.model._meta.get_fields():
            value = initial.get(field.name)
            if field.is_relation and value is not None:
                ids = value if isinstance(value, list) else [value]
                if not all(str(part).isascii() and str(part).isdigit() for part in ids):
                    del initial[field.name]
        return initial

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as refusal:
            if request.method != "POST" or hasattr(request, "admin_refusal"):
                raise
            # The refused save is rolled back. The same data is shown again, with the
            # refusal on the form (see get_form), so the organiser can correct it.
            request.admin_refusal = refusal
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        refusal = getattr(request, "admin_refusal", None)
        return form if refusal is None else refused_form(form, refusal)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except DomainError as refusal:
            self.message_user(request, refusal.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def response_action(self, request, queryset):
        """Runs an action in one transaction: refused, it leaves nothing behind."""
        try:
            with transaction.atomic():
                return super().response_action(request, queryset)
        except DomainError as refusal:
            self.message_user(request, refusal.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


def refusal_errors(refusal):
    """A domain error as ``{field or None: [messages]}`` for a form."""
    if isinstance(refusal, InvalidInput):
        return {
            (None if field == "__all__" else field): [str(message) for message in errors]
            for field, errors in refusal.errors.items()
        }
    return {None: [str(refusal.message)]}


def refused_form(form_class, refusal):
    """``form_class`` carrying the service's refusal as its errors: on its fields where the
    refusal names one of them, above the form otherwise."""

    class RefusedForm(form_class):
        def clean(self):
            cleaned_data = super().clean()
            for field, errors in refusal_errors(refusal).items():
                self.add_error(field if field in self.fields else None, errors)
            return cleaned_data

    RefusedForm.__name__ = form_class.__name__
    return RefusedForm
