from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

# Each app adds its own demo content; order matters (case studies need the
# authors and series of the blog).
DEMO_LOADERS = ["blog.demo.load", "casestudies.demo.load"]


class Command(BaseCommand):
    help = "Build the demo content (German). Safe to run again: changes nothing the second time."

    def handle(self, *args, **options):
        for dotted in DEMO_LOADERS:
            import_string(dotted)()
        self.stdout.write(self.style.SUCCESS("Demo content is in place."))
