"""Exhibitors in the back office; the rules live in ``services`` and ``importing``.

Every admin and inline stands on ``events.admin_base``: organisers see and pick only their
own expos' exhibitors, booths, staff and leads."""

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from events.admin import EXPO_FILTER, ExpoPartAdmin
from events.admin_base import ScopedModelAdmin, ScopedRelatedFilter, ScopedTabularInline
from events.models import Expo
from events.selectors import organised_expos
from events.translations import TranslationsAdminMixin, translations_form
from expo.admin_paging import LargeListMixin

from . import importing, selectors, services
from .models import Booth, BoothDay, Exhibitor, Lead, Member


class MemberFormSet(forms.BaseInlineFormSet):
    """Staff are added and removed by the member service, which hands out and cancels
    their staff badges."""

    def save(self, commit=True):
        exhibitor = self.instance
        self.new_objects, self.changed_objects, self.deleted_objects = [], [], []
        for form in self.deleted_forms:
            if form.instance.pk is not None:
                services.remove_member(Member.objects.get(pk=form.instance.pk))
                self.deleted_objects.append(form.instance)
        for form in self.forms:
            if form in self.deleted_forms or not form.has_changed():
                continue
            if form.instance.pk is not None:  # Another person in the row: swap them.
                services.remove_member(Member.objects.get(pk=form.instance.pk))
            user = form.cleaned_data["user"]
            member = services.add_member(
                exhibitor,
                username=user.get_username(),
                email=user.email,
                name=user.get_full_name() or user.get_username(),
                by_organiser=True,
            )
            self.new_objects.append(member)
        return self.new_objects


class MemberInline(ScopedTabularInline):
    model = Member
    formset = MemberFormSet
    fields = ("user", "ticket")
    raw_id_fields = ("user",)
    readonly_fields = ("ticket",)
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user" and not request.user.is_superuser:
            kwargs["queryset"] = selectors.accounts_known_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class BoothDayFormSet(forms.BaseInlineFormSet):
    """Booth days are given by ``give_booth``, with its rule that a booth has one
    exhibitor a day, and taken back by ``take_back_booth_day``."""

    def save(self, commit=True):
        self.new_objects, self.changed_objects, self.deleted_objects = [], [], []
        for form in self.deleted_forms:
            if form.instance.pk is not None:
                services.take_back_booth_day(BoothDay.objects.get(pk=form.instance.pk))
                self.deleted_objects.append(form.instance)
        for form in self.forms:
            if form in self.deleted_forms or not form.has_changed():
                continue
            if form.instance.pk is not None:  # Another booth or day: give the new one.
                services.take_back_booth_day(BoothDay.objects.get(pk=form.instance.pk))
            booth_day = form.instance
            services.give_booth(booth_day.booth, booth_day.exhibitor, [booth_day.day])
            self.new_objects.append(booth_day)
        return self.new_objects


class ExhibitorBoothDayInline(ScopedTabularInline):
    """The booths an exhibitor has, day by day."""

    model = BoothDay
    formset = BoothDayFormSet
    fields = ("day", "booth")
    raw_id_fields = ("booth",)
    extra = 0


class BoothBoothDayInline(ScopedTabularInline):
    """The exhibitors a booth is given to, day by day."""

    model = BoothDay
    formset = BoothDayFormSet
    fields = ("day", "exhibitor")
    raw_id_fields = ("exhibitor",)
    extra = 0


class ImportForm(forms.Form):
    expo = forms.ModelChoiceField(label=_("Expo"), queryset=Expo.objects.none())
    file = forms.FileField(label=_("CSV file"), help_text=", ".join(importing.COLUMNS))


@admin.register(Exhibitor)
class ExhibitorAdmin(TranslationsAdminMixin, ExpoPartAdmin):
    form = translations_form(Exhibitor)
    list_display = ("name", "tier", "expo", "website")
    list_filter = (EXPO_FILTER, "tier")
    search_fields = ("name", "tagline", "description")
    ordering = ("expo", "name")
    list_select_related = ("expo",)
    filter_horizontal = ("themes", "sessions")
    inlines = (MemberInline, ExhibitorBoothDayInline)

    def save_model(self, request, obj, form, change):
        services.save_exhibitor(obj, themes=form.cleaned_data.get("themes"))

    def delete_model(self, request, obj):
        services.delete_exhibitor(obj)

    def delete_queryset(self, request, queryset):
        for exhibitor in queryset:
            self.delete_model(request, exhibitor)

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="exhibitors_import"),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Upload a CSV of exhibitors and booths; every error is listed with its line and
        nothing is written unless all rows are valid."""
        form = ImportForm(request.POST or None, request.FILES or None)
        form.fields["expo"].queryset = organised_expos(request.user)
        errors = []
        if request.method == "POST" and form.is_valid():
            try:
                text = form.cleaned_data["file"].read().decode("utf-8-sig")
                report = importing.import_exhibitors(form.cleaned_data["expo"], text)
            except UnicodeDecodeError:
                errors = [(1, _("The file is not UTF-8 text."))]
            except importing.ImportFailed as failed:
                errors = failed.errors
            else:
                messages.success(
                    request,
                    _(
                        "Imported: %(created)d exhibitors created, %(updated)d updated, "
                        "%(booths)d booths given."
                    )
                    % {
                        "created": report.created,
                        "updated": report.updated,
                        "booths": report.booths,
                    },
                )
                return redirect("admin:exhibitors_exhibitor_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import exhibitors"),
            "form": form,
            "errors": errors,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/exhibitors/import.html", context)


@admin.register(Booth)
class BoothAdmin(ExpoPartAdmin):
    list_display = ("code", "hall", "expo", "x", "y", "width", "depth")
    list_filter = (EXPO_FILTER, "hall")
    search_fields = ("code",)
    list_select_related = ("hall", "expo")
    inlines = (BoothBoothDayInline,)

    def save_model(self, request, obj, form, change):
        services.save_booth(obj)


@admin.register(Lead)
class LeadAdmin(LargeListMixin, ScopedModelAdmin):
    """Organisers see that leads exist, not who they are: the lead belongs to the
    exhibitor, and the visitor's details show in the exhibitor's portal only. Only the
    exhibitor's staff change or remove a lead (``services.change_lead``,
    ``services.remove_lead``), so here it is read only."""

    list_display = ("exhibitor", "scanned_at", "rating")
    list_filter = (("exhibitor__expo", ScopedRelatedFilter),)
    list_select_related = ("exhibitor",)
    fields = ("exhibitor", "scanned_at", "rating")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
