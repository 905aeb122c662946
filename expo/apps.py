from django.contrib.admin.apps import AdminConfig
from django_scopes import scopes_disabled


class ExpoAdminConfig(AdminConfig):
    """The admin, with its modules imported outside any expo's scope.

    An admin module declares its model forms when it is imported, and building a form
    field touches the model's manager. No request, and so no expo, is active then; each
    request builds the admin's forms anew inside its own scope (``expo.scoping``).
    """

    def ready(self):
        with scopes_disabled():
            super().ready()
