import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"


@pytest.fixture(autouse=True)
def counter(database_pageviews):
    pass


def comment_on(page, *, approved: bool, removed: bool = False) -> None:
    from django.contrib.contenttypes.models import ContentType
    from django_comments.models import Comment

    Comment.objects.create(
        content_type=ContentType.objects.get_for_model(page),
        object_pk=str(page.pk),
        site_id=1,
        user_name="Leserin",
        user_email="leserin@example.org",
        comment="Ein Kommentar.",
        is_public=approved,
        is_removed=removed,
    )


def test_editors_see_views_comments_and_rank_per_page(client, demo):
    from tests.blog_pages import make_article

    second = make_article(demo["article_index"], "Zweiter Artikel", demo["authors"]["tobias-keller"])
    for n in range(2):
        Client(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR=f"203.0.113.{n}").get(second.url)
    Client(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="203.0.113.9").get(demo["article"].url)
    for approved in (True, True, False):
        comment_on(demo["article"], approved=approved)
    comment_on(demo["article"], approved=True, removed=True)  # removed by an editor: not counted
    comment_on(second, approved=False)

    client.force_login(demo["admin"])
    response = client.get("/admin/reports/page-views/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<th>Kommentare</th><th>Warten auf Freigabe</th>" in html
    rows = [[cell.strip() for cell in row] for row in _table_rows(html)]
    # rank, title, views (30 days), views (all time), comments, awaiting approval
    assert rows[0] == ["1", "Zweiter Artikel", "2", "2", "0", "1"]
    # All time, the article has the demo's 5,852 views of 2009 and today's one.
    assert rows[1] == ["2", "Kundenzufriedenheit als Werbefigur", "1", "5853", "2", "1"]


def test_the_report_is_closed_to_anonymous_visitors(client, demo):
    response = client.get("/admin/reports/page-views/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def _table_rows(html: str) -> list[list[str]]:
    import re

    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = re.findall(r"<td>(.*?)</td>", row, re.S)
        rows.append([re.sub(r"<[^>]+>", "", cell) for cell in cells])
    return rows
