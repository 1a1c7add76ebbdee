from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Workflow

from casestudies.signoff import task as signoff_task


class Command(BaseCommand):
    help = (
        "Put the task 'Freigabe durch das Unternehmen' (company sign-off) first into a workflow: "
        "after the author submits, before the editors approve. Safe to repeat."
    )

    def add_arguments(self, parser):
        parser.add_argument("--workflow", default=signoff_task.WORKFLOW_NAME, help="name of the workflow")

    def handle(self, *args, workflow, **options):
        target = Workflow.objects.filter(name=workflow).first()
        if target is None:
            raise CommandError(f"There is no workflow named {workflow!r}.")
        task = signoff_task.add_to_workflow(target)
        names = [t.name for t in target.tasks]
        self.stdout.write(f"{task.name} is in {target.name}: {' → '.join(names)}")
