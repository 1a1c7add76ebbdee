import pytest
from django.urls import reverse

from casestudies.models import Industry

from .factories import CompanyContactFactory, CompanyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("chef", "chef@casebook.test", "pw")
    client.force_login(user)
    return client


def test_company_listing_filters_by_industry_and_searches(admin_client):
    CompanyFactory(name="Telefon AG", slug="telefon", industry=Industry.TELECOM)
    CompanyFactory(name="Laden GmbH", slug="laden", industry=Industry.RETAIL)
    url = reverse("wagtailsnippets_casestudies_company:list")
    html = admin_client.get(url, {"industry": "telecom"}).content.decode()
    assert "Telefon AG" in html
    assert "Laden GmbH" not in html
    html = admin_client.get(url, {"q": "Laden"}).content.decode()
    assert "Laden GmbH" in html
    assert "Telefon AG" not in html


def test_company_contacts_are_edited_inline(admin_client):
    company = CompanyFactory(name="Telefon AG", slug="telefon")
    CompanyContactFactory(company=company, name="Pressestelle", role="Head of Social Media")
    html = admin_client.get(
        reverse("wagtailsnippets_casestudies_company:edit", args=[company.pk])
    ).content.decode()
    assert 'name="contacts-0-role"' in html
    assert 'value="Head of Social Media"' in html
    assert 'name="contacts-0-language"' in html


def test_contact_listing_searches_and_filters(admin_client):
    telecom = CompanyFactory(name="Telefon AG", slug="telefon", industry=Industry.TELECOM)
    shop = CompanyFactory(name="Laden GmbH", slug="laden", industry=Industry.RETAIL)
    CompanyContactFactory(company=telecom, name="Social Team", role="Head of Social Media", language="de")
    CompanyContactFactory(company=shop, name="Presse", role="Pressesprecherin", language="en")
    url = reverse("companycontact:index")
    html = admin_client.get(url, {"q": "Social Media"}).content.decode()
    assert "Social Team" in html
    assert "Presse<" not in html
    html = admin_client.get(url, {"language": "en"}).content.decode()
    assert "Presse" in html
    assert "Social Team" not in html
    html = admin_client.get(url, {"company__industry": "telecom"}).content.decode()
    assert "Social Team" in html
    assert "Pressesprecherin" not in html


def test_a_contact_is_added_and_changed_inside_the_company_form(admin_client):
    from wagtail.test.utils.form_data import querydict_from_html

    company = CompanyFactory(name="Telefon AG", slug="telefon")
    CompanyContactFactory(company=company, name="Pressestelle", role="Pressesprecher", language="de")
    url = reverse("wagtailsnippets_casestudies_company:edit", args=[company.pk])
    data = querydict_from_html(admin_client.get(url).content.decode(), form_id="w-editor-form")
    data["contacts-0-role"] = "Head of Social Media"
    data["contacts-TOTAL_FORMS"] = "2"
    data.update(
        {
            "contacts-1-id": "",
            "contacts-1-ORDER": "2",
            "contacts-1-DELETE": "",
            "contacts-1-name": "Social-Media-Team",
            "contacts-1-role": "Community Management",
            "contacts-1-email": "social@telefon.example",
            "contacts-1-phone": "+49 2602 96-0",
            "contacts-1-language": "en",
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    contacts = list(
        company.contacts.order_by("sort_order").values_list("name", "role", "email", "phone", "language")
    )
    assert contacts == [
        ("Pressestelle", "Head of Social Media", contacts[0][2], "", "de"),
        ("Social-Media-Team", "Community Management", "social@telefon.example", "+49 2602 96-0", "en"),
    ]
