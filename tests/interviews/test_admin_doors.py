"""Every admin URL that takes an id, walked from the URL configuration: from
the side of author B, each one naming author A's interview request, its
photos, their copies in the image library or the draft case study made from
it answers 403 or 404 and shows nothing of A's. A new admin view with an id
fails here until it is classified below, so it cannot be forgotten."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern
from wagtail.models import Revision

from casestudies.models import InboundMessage, InterviewRequest

pytestmark = pytest.mark.django_db

# Arguments that name a page, whatever the view.
PAGE_ARGUMENTS = {"page_id", "parent_page_id", "page_to_move_id", "page_pk", "destination_id"}
# What a plain `pk` names, by the URL's namespace (the first one that matches).
PK_BY_NAMESPACE = [
    ("interview_requests:photo", "photo"),
    ("interview_requests", "request"),
    ("wagtailadmin_pages", "page"),
    ("wagtailadmin_api:pages", "page"),
    ("wagtailimages", "image"),
    ("wagtailadmin_api:images", "image"),
]
# Admin URLs with an id of something that is not a request, page or image: why they are left out.
NOT_A_REQUEST_PAGE_OR_IMAGE = {
    "wagtailadmin_api:documents": "documents (none come from interviews)",
    "wagtaildocs": "documents",
    "wagtaildocs_chooser": "documents",
    "wagtailadmin_collections": "collections",
    "wagtailadmin_workflows": "workflows and tasks (their ids)",
    "wagtailadmin_editing_sessions:release": "the user's own editing session",
    "wagtailredirects": "redirects",
    "wagtailsettings": "site settings",
    "wagtailsnippets_blog_author": "authors' profiles",
    "wagtailsnippetchoosers_blog_author": "authors' profiles",
    "wagtailsnippets_blog_series": "series",
    "wagtailsnippetchoosers_blog_series": "series",
    "wagtailsnippets_casestudies_company": "companies, shared by all authors",
    "wagtailsnippetchoosers_casestudies_company": "companies, shared by all authors",
    "companycontact": "company contacts, shared by all authors",
    "comments": "reader comments",
    "question_sets": "question sets, shared by all authors",
    "wagtailsites": "sites",
    "wagtailusers_users": "users",
    "wagtailusers_groups": "groups",
    "wagtailadmin_password_reset_confirm": "password reset",
    "wagtailimages:create_multiple_from_uploaded_image": "an upload in progress, the user's own",
    "wagtailimages:delete_upload_multiple": "an upload in progress, the user's own",
}


def _walk(patterns, prefix="", namespace="", arguments=frozenset()):
    for pattern in patterns:
        names = set(
            pattern.pattern.regex.groupindex
            if isinstance(pattern.pattern, RegexPattern)
            else pattern.pattern.converters
        )
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner, arguments | names)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), namespace, pattern.name, arguments | names


def _takes_an_id(arguments) -> bool:
    return any(a in ("pk", "object_id") or a.endswith(("_id", "_pk")) for a in arguments)


def admin_urls_with_an_id() -> list[tuple[str, str, frozenset]]:
    found = []
    for route, namespace, name, arguments in _walk(get_resolver().url_patterns):
        if route.startswith("admin/") and _takes_an_id(arguments):
            qualified = f"{namespace}:{name}" if namespace else name
            assert name, f"an admin URL with an id has no name, so it cannot be walked: {route}"
            found.append((qualified, route, frozenset(arguments)))
    return found


def _left_out(qualified: str) -> bool:
    return any(qualified == key or qualified.startswith(key + ":") for key in NOT_A_REQUEST_PAGE_OR_IMAGE)


def _pk_kind(qualified: str) -> str | None:
    return next((kind for prefix, kind in PK_BY_NAMESPACE if qualified.startswith(prefix)), None)


def _reply_of(request) -> InboundMessage:
    return InboundMessage.objects.get_or_create(
        key=f"doors-{request.pk}",
        defaults={
            "request": request,
            "source": "imap",
            "kind": "reply",
            "sender": "Kontakt <kontakt@firma.test>",
            "subject": "Re: Interview",
            "body": "Antwort per Mail",
        },
    )[0]


def kwargs_for(qualified: str, arguments, case) -> dict | None:
    """Author A's objects for a URL's arguments; None when it names none of them."""
    page, image, request, photo = case.page, case.images[0], case.request, case.photos[0]
    revision = page.latest_revision or Revision.objects.filter(object_id=str(page.pk)).last()
    ids = {"page": page.pk, "image": image.pk, "request": request.pk, "photo": photo.pk}
    kwargs, names_a_target = {}, False
    for argument in arguments:
        if argument in PAGE_ARGUMENTS:
            kwargs[argument], names_a_target = page.pk, True
        elif argument == "image_id":
            kwargs[argument], names_a_target = image.pk, True
        elif argument == "pk":
            kind = _pk_kind(qualified)
            if kind is None:
                return None
            kwargs[argument], names_a_target = ids[kind], True
        elif argument == "photo_pk":
            kwargs[argument], names_a_target = photo.pk, True
        elif argument == "message":
            # A reply by email filed under author A's request: the door must stay shut
            # because of the request, not because the message is missing.
            kwargs[argument], names_a_target = _reply_of(request).pk, True
        elif argument == "revision_id":
            kwargs[argument] = revision.pk
        elif argument == "revision_id_a":
            kwargs[argument] = "earliest"
        elif argument == "revision_id_b":
            kwargs[argument] = "latest"
        elif argument in ("task_state_id", "workflow_state_id", "task_id", "session_id"):
            kwargs[argument] = 1
        elif argument == "filter_spec":
            kwargs[argument] = "max-165x165"
        elif argument in ("action", "action_name"):
            kwargs[argument] = "accept" if qualified.startswith("interview_requests") else "approve"
        elif argument == "object_id":
            kwargs[argument], names_a_target = str(page.pk), True
        elif argument == "app_label":
            kwargs[argument] = "casestudies"
        elif argument == "model_name":
            kwargs[argument] = "casestudypage"
        elif argument in ("content_type_app_name", "content_type_model_name"):
            kwargs[argument] = "casestudies" if argument.endswith("app_name") else "casestudypage"
        else:
            raise AssertionError(f"{qualified}: no value for the argument {argument!r}; add one here")
    return kwargs if names_a_target else None


def doors(case) -> list[tuple[str, str]]:
    """(name, URL) of every admin URL with an id that names one of author A's objects."""
    found = []
    for qualified, route, arguments in admin_urls_with_an_id():
        if _left_out(qualified):
            continue
        kwargs = kwargs_for(qualified, arguments, case)
        assert kwargs is not None, (
            f"{qualified} ({route}) takes an id this test does not know: map it to author A's "
            "objects above, or say in NOT_A_REQUEST_PAGE_OR_IMAGE why it names none"
        )
        found.append((qualified, reverse(qualified, kwargs=kwargs)))
    return found


def assert_nothing_of(case, response, url):
    assert response.status_code in (403, 404), (url, response.status_code)
    body = response.content.decode(errors="replace")
    for secret in case.secrets:
        assert secret not in body, (url, secret)
    assert not re.search(r"/images/private/", body), url


def test_every_admin_door_to_another_authors_request_is_shut(client, accepted_draft):
    case = accepted_draft
    urls = doors(case)
    names = {name for name, _ in urls}
    # The ones the issue names are among them, so the walk is not empty by mistake.
    for expected in (
        "interview_requests:history",
        "interview_requests:usage",
        "interview_requests:inspect",
        "wagtailadmin_pages:edit",
        "wagtailadmin_pages:history",
        "wagtailadmin_pages:revisions_compare",
        "wagtailimages:edit",
        "wagtailimages:image_usage",
        "wagtailimages_chooser:select_format",
        "wagtailadmin_api:pages:detail",
    ):
        assert expected in names, expected

    client.force_login(case.author_b)
    for _name, url in urls:
        assert_nothing_of(case, client.get(url), url)
        assert_nothing_of(case, client.post(url, {}), url)

    # Nothing was changed through them: the request, its draft and photos are still there.
    case.request.refresh_from_db()
    case.page.refresh_from_db()
    assert case.request.case_study_id == case.page.pk
    assert all(type(image).objects.filter(pk=image.pk).exists() for image in case.images)
    assert InterviewRequest.objects.filter(pk=case.request.pk, owner=case.author_a).exists()


def test_the_same_doors_open_for_the_owner_and_for_editors(client, accepted_draft):
    case = accepted_draft
    urls = dict(doors(case))
    for user in (case.author_a, case.editor):
        client.force_login(user)
        for name in (
            "interview_requests:history",
            "interview_requests:usage",
            "interview_requests:inspect",
            "wagtailadmin_pages:edit",
            "wagtailadmin_pages:history",
            "wagtailimages_chooser:select_format",
        ):
            response = client.get(urls[name])
            assert response.status_code == 200, (user, name)
            assert "Nordlicht" in response.content.decode(), (user, name)


LISTINGS = [
    "/admin/reports/site-history/",
    "/admin/reports/site-history/results/",
    "/admin/reports/workflow/",
    "/admin/reports/workflow_tasks/",
    "/admin/reports/aging-pages/",
    "/admin/reports/locked/",
    "/admin/pages/search/?q=Nordlicht",
    "/admin/pages/search/results/?q=Interview",
    "/admin/images/",
    "/admin/images/?q=Labor",
    "/admin/images/chooser/",
    "/admin/images/chooser/results/?q=Labor",
    "/admin/choose-page/",
    "/admin/choose-page/search/?q=Nordlicht",
    "/admin/interview_requests/",
    "/admin/interview_requests/?q=Nordlicht",
    "/admin/",
]


def test_listings_reports_choosers_and_search_leave_out_another_authors_request(client, accepted_draft):
    case = accepted_draft
    client.force_login(case.author_b)
    answered = set()
    for url in LISTINGS:
        response = client.get(url)
        # A report the author has no permission for sends them to the dashboard.
        assert response.status_code in (200, 302, 403), (url, response.status_code)
        if response.status_code == 200:
            answered.add(url)
        body = response.content.decode(errors="replace")
        for secret in case.secrets:
            assert secret not in body, (url, secret)
    # The ones an author may open really were looked at.
    assert {
        "/admin/reports/site-history/",
        "/admin/pages/search/?q=Nordlicht",
        "/admin/images/chooser/",
        "/admin/choose-page/search/?q=Nordlicht",
    } <= answered
    explorer = client.get(f"/admin/pages/{case.page.get_parent().pk}/")
    assert explorer.status_code == 200
    assert "Nordlicht" not in explorer.content.decode()


def test_editors_find_it_in_the_same_listings(client, accepted_draft):
    case = accepted_draft
    client.force_login(case.editor)
    for url in ("/admin/reports/site-history/", "/admin/pages/search/?q=Nordlicht", "/admin/images/chooser/"):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert "Nordlicht" in body or case.images[0].title in body, url
