import json

from django.core.management.base import BaseCommand

from casestudies.privacy import export_person


class Command(BaseCommand):
    help = "Print, as JSON, everything Casebook stores about the person with this email address."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email: str, **options):
        self.stdout.write(json.dumps(export_person(email), indent=2, ensure_ascii=False))
