"""The admin's doors for what belongs to another author's interview request.

Wagtail's admin has dozens of views that take a page's or an image's id
(edit, preview, revisions, history, usage, workflow history, move, copy,
choosers, the admin API …) and no single hook before all of them; the generic
history and usage views of a model viewset take the request's id. Rather
than one hook per view (and a new view forgotten), this middleware reads the
resolved URL's arguments: an id of a page, an image, a request or a photo the
user may not see (visibility.py, the one rule) answers 404 before the view
runs, as if it did not exist. tests/interviews/test_admin_doors.py walks every
admin URL with an id and holds each to it.

The listings that show such objects without an id in the URL (choosers,
explorer, search, reports) filter through the hooks in wagtail_hooks.py and
the report views in admin/reports.py, with the same rule."""

from __future__ import annotations

from django.apps import apps
from django.http import Http404
from wagtail.models import Page

from casestudies.interviews.admin import visibility

# URL arguments that name a page, whatever the view.
PAGE_ARGUMENTS = {"page_id", "parent_page_id", "page_to_move_id", "page_pk", "destination_id"}
IMAGE_ARGUMENTS = {"image_id"}


def _kind_of_pk(namespace: str, url_name: str) -> str | None:
    """What a plain `pk` argument names, by the URL's namespace."""
    parts = namespace.split(":")
    if "interview_requests" in parts:
        return "photo" if url_name.startswith("photo") else "request"
    if any(part in ("wagtailadmin_pages", "pages") for part in parts):
        return "page"
    if any(part.startswith("wagtailimages") or part == "images" for part in parts):
        return "image"
    return None


def targets(match) -> list[tuple[str, str]]:
    """(kind, id) of every object a resolved admin URL names."""
    found = []
    for key, value in match.kwargs.items():
        if key in PAGE_ARGUMENTS:
            found.append(("page", value))
        elif key in IMAGE_ARGUMENTS:
            found.append(("image", value))
        elif key == "pk":
            kind = _kind_of_pk(match.namespace, match.url_name or "")
            if kind:
                found.append((kind, value))
        elif key == "photo_pk":
            found.append(("photo", value))
    # The editing-session pings name their object by content type.
    if {"app_label", "model_name", "object_id"} <= match.kwargs.keys():
        kind = {
            ("wagtailcore", "page"): "page",
            ("wagtailimages", "image"): "image",
            ("casestudies", "interviewrequest"): "request",
        }.get((match.kwargs["app_label"], match.kwargs["model_name"]))
        if kind:
            found.append((kind, match.kwargs["object_id"]))
        elif match.kwargs["app_label"] != "wagtailcore":
            # A specific page type (casestudies.casestudypage): still a page.
            model = apps.get_model(match.kwargs["app_label"], match.kwargs["model_name"])
            if issubclass(model, Page):
                found.append(("page", match.kwargs["object_id"]))
    return found


def hidden(user, kind: str, pk) -> bool:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return False
    if kind == "page":
        return visibility.page_hidden(user, pk)
    if kind == "image":
        return visibility.image_hidden(user, pk)
    if kind == "request":
        return not visibility.visible_requests(user).filter(pk=pk).exists()
    if kind == "photo":
        return not visibility.visible_photos(user).filter(pk=pk).exists()
    return False


class AdminVisibilityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        user = getattr(request, "user", None)
        if match is None or not match.route.startswith("admin/") or user is None:
            return None
        if not user.is_authenticated or visibility.sees_all(user):
            return None
        for kind, pk in targets(match):
            if hidden(user, kind, pk):
                raise Http404
        return None


# Listings without an id in the URL: registered as Wagtail hooks (wagtail_hooks.py).


def explorer_pages(parent_page, pages, request):
    """construct_explorer_page_queryset: the page explorer and its search."""
    return without_hidden_pages(pages, request)


def without_hidden_pages(pages, request):
    """construct_page_chooser_queryset, and the explorer's."""
    if visibility.sees_all(request.user):
        return pages
    return pages.exclude(pk__in=visibility.hidden_page_ids(request.user))


def without_hidden_images(images, request):
    """construct_image_chooser_queryset: the image chooser."""
    if visibility.sees_all(request.user):
        return images
    return images.exclude(pk__in=visibility.hidden_image_ids(request.user))
