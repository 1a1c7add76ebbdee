"""The admin's request list draws some cells in Python rather than with
Wagtail's templates (listing.py: every row pays for every cell). Here each
one is held to the HTML Wagtail's own template draws for the same request,
so that a Wagtail upgrade that changes its markup shows up as a failure."""

from __future__ import annotations

import re

import pytest
from django.template.loader import get_template
from django.urls import reverse
from django.utils import translation
from wagtail.admin.ui.tables import Column, Table, TitleColumn

from casestudies.interviews.admin.listing import FieldColumn, RequestTable, RequestTitleColumn
from casestudies.models import InterviewStatus

from .factories import InterviewRequestFactory, UserFactory

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script> & Söhne'


def squeezed(html: str) -> str:
    """Whitespace between tags and before a tag's end dropped, the rest collapsed: as the browser sees it."""
    collapsed = re.sub(r"\s*(<[^>]+>)\s*", r"\1", re.sub(r"\s+", " ", str(html)))
    return re.sub(r" +>", ">", collapsed).strip()


@pytest.fixture
def listing(client):
    client.force_login(UserFactory(username="chefin", is_superuser=True, is_staff=True))
    sent = InterviewRequestFactory(contact__company__name=HOSTILE, status=InterviewStatus.SENT)
    draft = InterviewRequestFactory(contact__company__name=HOSTILE + " Entwurf")
    response = client.get(reverse("interview_requests:index"))
    table = response.context["table"]
    rows = {row.instance.pk: row.instance for row in table.rows}
    context = {"table": table, "row": None, "request": response.wsgi_request}
    return table, rows[sent.pk], rows[draft.pk], context


def test_the_table_is_wagtails_table_with_the_same_rows(listing):
    table, sent, draft, context = listing
    assert isinstance(table, RequestTable)

    ours = table.render_html(context)
    wagtails = get_template("wagtailadmin/tables/table.html").render(Table.get_context_data(table, context))

    assert squeezed(ours) == squeezed(wagtails)
    assert squeezed(ours).count("<tr") == 3  # the header and both requests


@pytest.mark.parametrize("which", ["sent", "draft"])
def test_a_title_cell_is_wagtails_title_cell(listing, which):
    table, sent, draft, context = listing
    instance = {"sent": sent, "draft": draft}[which]
    column = table.columns["__str__"]
    assert isinstance(column, RequestTitleColumn)

    ours = column.render_cell_html(instance, context)

    assert squeezed(ours) == squeezed(TitleColumn.render_cell_html(column, instance, context))
    assert "<script>" not in ours and "&lt;script&gt;" in ours


def test_a_sent_request_opens_its_page_and_a_draft_its_form_with_a_menu(listing):
    table, sent, draft, context = listing
    column = table.columns["__str__"]

    sent_cell = column.render_cell_html(sent, context)
    draft_cell = column.render_cell_html(draft, context)

    assert re.findall(r'href="(/[^"]+)"', sent_cell) == [
        reverse("interview_requests:inspect", args=[sent.pk])
    ]
    assert 'data-controller="w-dropdown"' not in sent_cell
    assert re.findall(r'href="(/[^"]+)"', draft_cell) == [
        reverse(f"interview_requests:{name}", args=[draft.pk])
        for name in ("edit", "edit", "inspect", "delete")
    ]
    assert 'data-controller="w-dropdown"' in draft_cell


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("name", ["owner", "updated_at"])
def test_owner_and_date_read_as_in_wagtails_plain_cell(listing, name, language):
    table, sent, _draft, context = listing
    column = table.columns[name]
    assert isinstance(column, FieldColumn)

    with translation.override(language):
        ours = column.render_cell_html(sent, context)
        wagtails = Column.render_cell_html(column, sent, context)

    assert squeezed(ours) == squeezed(wagtails)
    assert squeezed(ours) != "<td></td>"
