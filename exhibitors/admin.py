"""Exhibitors in the back office; the rules live in ``services`` and ``importing``."""

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from events.admin import EXPO_FILTER, ExpoPartAdmin
from events.models import Expo
from events.selectors import organised_expos
from events.translations import TranslationsAdminMixin, translations_form

from . import importing
from .models import Booth, BoothDay, Exhibitor, Lead, Member


class MemberInline(admin.TabularInline):
    model = Member
    fields = ("user", "ticket")
    raw_id_fields = ("user", "ticket")
    extra = 0


class BoothDayInline(admin.TabularInline):
    model = BoothDay
    fields = ("day", "booth")
    raw_id_fields = ("booth",)
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
    inlines = (MemberInline, BoothDayInline)

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
    inlines = (BoothDayInline,)


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    """Organisers see that leads exist, not who they are: the lead belongs to the
    exhibitor, and the visitor's details show in the exhibitor's portal only."""

    list_display = ("exhibitor", "scanned_at", "rating")
    list_filter = ("exhibitor__expo",)
    fields = ("exhibitor", "scanned_at", "rating")
    readonly_fields = fields

    def get_queryset(self, request):
        expos = organised_expos(request.user)
        return super().get_queryset(request).filter(exhibitor__expo__in=expos)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
