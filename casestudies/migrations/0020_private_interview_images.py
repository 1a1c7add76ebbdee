"""Interview photos copied into the image library before they were kept
private (public media, named interview-<request>-<photo>.jpg) move to the
private storage under a random name; their public renditions are deleted
(Wagtail makes them again, privately, when asked). See
casestudies/pages/private_images.py. Idempotent: an image already private is
left alone. Going back leaves the files where they are."""

import secrets

from django.core.files.storage import storages
from django.db import migrations

PRIVATE_ORIGINALS = "private/original_images/prv-"


def forwards(apps, schema_editor):
    InterviewPhoto = apps.get_model("casestudies", "InterviewPhoto")
    Image = apps.get_model("wagtailimages", "Image")
    Rendition = apps.get_model("wagtailimages", "Rendition")
    public, private = storages["public"], storages["private"]
    image_ids = InterviewPhoto.objects.filter(image__isnull=False).values_list("image_id", flat=True)
    for image in Image.objects.filter(pk__in=list(image_ids)).exclude(file__startswith="private/"):
        old = image.file.name
        if not old or not public.exists(old):
            continue
        with public.open(old, "rb") as source:
            new = private.save(f"{PRIVATE_ORIGINALS}{secrets.token_hex(16)}.jpg", source)
        for name in Rendition.objects.filter(image=image).values_list("file", flat=True):
            if name and public.exists(name):
                public.delete(name)
        Rendition.objects.filter(image=image).delete()
        Image.objects.filter(pk=image.pk).update(file=new)
        public.delete(old)


class Migration(migrations.Migration):
    dependencies = [
        ("casestudies", "0018_contact_event_opted_in"),
        ("wagtailimages", "0027_image_description"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
