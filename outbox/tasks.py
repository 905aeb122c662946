"""The outbox's task: the worker (``manage.py db_worker``) runs it for each mail."""

from django_tasks import task

from . import services


@task()
def deliver_mail(mail_id):
    services.deliver(mail_id)
