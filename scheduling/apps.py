from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulingConfig(AppConfig):
    name = "scheduling"
    verbose_name = _("Schedule board")

    def ready(self):
        from events.signals import organiser_links, plan_changed

        from . import receivers

        organiser_links.connect(receivers.organiser_links, dispatch_uid="scheduling-links")
        plan_changed.connect(receivers.plan_changed, dispatch_uid="scheduling-plan-changed")
