from django.core.management.base import BaseCommand, CommandError

from casestudies.privacy import erase_person


class Command(BaseCommand):
    help = (
        "Erase the personal data of the person with this email address (contacts are anonymised, "
        "unaccepted answers and photos, emails sent and comments are deleted)."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--yes", action="store_true", help="Do it; without --yes nothing changes.")

    def handle(self, *args, email: str, yes: bool, **options):
        if not yes:
            raise CommandError(
                "Nothing erased: repeat with --yes to erase. Export first with export_personal_data."
            )
        report = erase_person(email)
        self.stdout.write(
            f"contacts anonymised: {report.contacts_anonymised}, answers deleted: {report.answers_deleted}, "
            f"photos deleted: {report.photos_deleted}, emails deleted: {report.emails_deleted}, "
            f"comments deleted: {report.comments_deleted}, "
            f"other texts that named them rewritten: {report.texts_rewritten}"
        )
        for kept in report.kept_in_case_studies:
            self.stdout.write(f"kept in an accepted case study (editors decide about the page): {kept}")
