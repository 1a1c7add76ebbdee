"""User-provided text comes out escaped wherever it is shown."""

import datetime

import pytest

from casestudies.pages.blocks import timeline_event

from .factories import CompanyFactory, make_case_study

pytestmark = pytest.mark.django_db

EVIL = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture
def evil_case(index):
    company = CompanyFactory(name=f"Evil {EVIL} AG", slug="evil", headquarters=EVIL, description=EVIL)
    body = [
        {
            "type": "interview",
            "value": {
                "interviewee": EVIL,
                "pairs": [
                    {"question": f"Q {EVIL}", "answer": f"A {EVIL}", "photo": None, "photo_credit": EVIL}
                ],
            },
        },
        {
            "type": "timeline",
            "value": {
                "heading": EVIL,
                "events": [
                    timeline_event(
                        what=f"W {EVIL}",
                        outcome=f"O {EVIL}",
                        channel="email",
                        date=datetime.date(2010, 1, 15),
                    )
                ],
            },
        },
        {
            "type": "key_figures",
            "value": {"heading": "", "figures": [{"label": EVIL, "value": "1", "unit": EVIL}]},
        },
        {"type": "lessons", "value": {"heading": "", "lessons": [EVIL]}},
    ]
    return make_case_study(index, company=company, title=f"T {EVIL}", summary=EVIL, verdict=EVIL, body=body)


@pytest.mark.parametrize("url", ["/fallstudien/", "/unternehmen/evil/", "case_study", "/?", "/suche/?q=Evil"])
def test_markup_is_escaped_everywhere(client, evil_case, url):
    if url == "case_study":
        url = evil_case.url
    html = client.get(url).content.decode()
    assert ESCAPED in html
    assert EVIL not in html


def test_each_field_is_escaped_on_the_case_study_page(client, evil_case):
    html = client.get(evil_case.url).content.decode()
    for text in (f"Evil {ESCAPED} AG", f"Q {ESCAPED}", f"A {ESCAPED}", f"W {ESCAPED}", f"O {ESCAPED}"):
        assert text in html
    assert "<script>" not in html


def test_company_name_is_escaped_in_the_filter_form(client, evil_case):
    html = client.get("/fallstudien/").content.decode()
    # The company filter suggests names in a <datalist>: the name is an attribute value there.
    assert f'<option value="Evil {ESCAPED} AG">' in html
