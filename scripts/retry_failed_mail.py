"""Queue again every mail whose delivery failed, and drop the failed attempt.

Run it through Django's shell, next to a running worker (or before `db_worker --batch`):

    python manage.py shell < scripts/retry_failed_mail.py

Each mail queued again is printed. tests/test_integration_mail.py runs this very file.
"""

from django.db import transaction
from django_tasks_db.models import DBTaskResult

DELIVER_MAIL = "soscience.core.tasks.deliver_mail"

with transaction.atomic():
    failed = DBTaskResult.objects.failed().filter(task_path=DELIVER_MAIL).select_for_update()
    for result in failed:
        args, kwargs = result.args_kwargs["args"], result.args_kwargs["kwargs"]
        result.task.enqueue(*args, **kwargs)
        result.delete()
        print(f"Queued again: {kwargs.get('subject')!r} to {', '.join(kwargs.get('to', []))}")
