"""Test data for case studies: companies and their contacts, images, the index
and case studies. CompanyFactory and CompanyContactFactory are the only ones in
the tests (interview requests use them too); authors come from tests.factories."""

from __future__ import annotations

import datetime
import itertools

import factory

from blog.models import Author, Authorship, HomePage
from casestudies.models import CaseStudyIndexPage, CaseStudyPage, Company, CompanyContact, Industry, Outcome
from casestudies.pages.blocks import timeline_event
from tests.factories import AuthorFactory

_counter = itertools.count(1)


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Firma {n}")
    slug = factory.Sequence(lambda n: f"firma-{n}")
    industry = Industry.OTHER
    headquarters = "Berlin"


class CompanyContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompanyContact

    company = factory.SubFactory(CompanyFactory)
    name = "Dana Beispiel"
    role = "Head of Social Media"
    email = factory.Sequence(lambda n: f"contact{n}@company.test")
    language = "de"


def make_index(home: HomePage | None = None) -> CaseStudyIndexPage:
    home = home or HomePage.objects.first()
    existing = CaseStudyIndexPage.objects.child_of(home).first()
    if existing:
        return existing
    index = home.add_child(instance=CaseStudyIndexPage(title="Fallstudien", slug="fallstudien"))
    index.save_revision().publish()
    return index


def dated_timeline(day: datetime.date) -> tuple[str, dict]:
    """A timeline block with one dated event, as the checklist asks of a failure story."""
    return ("timeline", {"heading": "", "events": [timeline_event(what="Anfrage gesendet", date=day)]})


def make_case_study(
    index: CaseStudyIndexPage,
    *,
    company: Company | None = None,
    outcome: str = Outcome.FAILURE,
    authors: list[Author] | None = None,
    date: datetime.date | None = None,
    live: bool = True,
    tags: tuple[str, ...] = (),
    **fields,
) -> CaseStudyPage:
    number = next(_counter)
    fields.setdefault("title", f"Fallstudie {number}")
    fields.setdefault("slug", f"fallstudie-{number}")
    fields.setdefault("summary", f"Zusammenfassung {number}")
    if outcome == Outcome.FAILURE and "body" not in fields:
        # The pre-publication checklist asks a failure story for a dated event.
        fields["body"] = [dated_timeline(date or datetime.date(2010, 1, 15))]
    page = CaseStudyPage(
        company=company or CompanyFactory(),
        outcome=outcome,
        date=date or datetime.date(2010, 1, 15),
        live=live,
        **fields,
    )
    page.authorships = [Authorship(author=author) for author in (authors or [AuthorFactory()])]
    index.add_child(instance=page)
    if tags:
        page.tags.add(*tags)
    revision = page.save_revision()
    if live:
        revision.publish()
    return page
