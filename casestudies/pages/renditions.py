"""Rendition prefetching for images nested anywhere in a StreamField value,
so a page with many images costs the same number of queries as one with few."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Prefetch, prefetch_related_objects
from wagtail.blocks import StreamValue, StructValue
from wagtail.blocks.list_block import ListValue
from wagtail.images import get_image_model
from wagtail.images.models import AbstractImage


def images_in(value) -> Iterator[AbstractImage]:
    if isinstance(value, AbstractImage):
        yield value
    elif isinstance(value, StreamValue):
        for child in value:
            yield from images_in(child.value)
    elif isinstance(value, StructValue | dict):
        for child in value.values():
            yield from images_in(child)
    elif isinstance(value, ListValue | list | tuple):
        for child in value:
            yield from images_in(child)


def prefetch_renditions_in(stream_value) -> None:
    images = [image for image in images_in(stream_value) if not hasattr(image, "prefetched_renditions")]
    if images:
        renditions = get_image_model().get_rendition_model().objects.all()
        prefetch_related_objects(
            images, Prefetch("renditions", queryset=renditions, to_attr="prefetched_renditions")
        )
