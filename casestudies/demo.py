"""Demo content of the case studies: the case-study index at /fallstudien/,
the failure story of DESIGN.md with its whole timeline, and one invented
best-practice case study, so that both outcomes show.

Runs after blog.demo.load (authors and the series exist by then). Idempotent:
everything is looked up by its slug first, so a second run changes nothing.
Dates the story does not give stay unknown; the contact has no name of a real
person, only a neutral label."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from blog.models import ArticlePage, Author, Authorship, HomePage, Series

from .blocks import key_figure, timeline_event
from .models import (
    CaseStudyIndexPage,
    CaseStudyPage,
    Company,
    CompanyContact,
    Industry,
    Outcome,
    QuestionSet,
    QuestionSetItem,
)

SERIES_SLUG = "chief-social-media-officer"
FIRST_ARTICLE_SLUG = "kundenzufriedenheit-als-werbefigur"

COMPANIES = [
    {
        "slug": "1und1",
        "name": "1&1 Internet AG",
        "industry": Industry.TELECOM,
        "headquarters": "Montabaur",
        "website": "https://www.1und1.de/",
        "description": "Internet- und Telekommunikationsanbieter mit Sitz in Montabaur.",
        "contacts": [
            {
                "name": "Leiter Social Media (ehem. Pressesprecher)",
                "role": "Head of Social Media",
                "language": "de",
            }
        ],
    },
    {
        "slug": "nordlicht-reisen",
        "name": "Nordlicht Reisen GmbH",
        "industry": Industry.MOBILITY,
        "headquarters": "Kiel",
        "description": "Ein erfundener Reiseveranstalter für Fähr- und Bahnreisen in Skandinavien (Demo).",
        "contacts": [
            {
                "name": "Social-Media-Team",
                "role": "Teamleitung Social Media",
                "language": "de",
                # An invented company at a reserved domain: the demo can send it a request.
                "email": "social-media@nordlicht-reisen.example",
            }
        ],
    },
]


def _failure_body(first_article: ArticlePage | None) -> list[tuple[str, object]]:
    article_link = (
        f'<a linktype="page" id="{first_article.pk}">Kundenzufriedenheit als Werbefigur</a>'
        if first_article
        else "„Kundenzufriedenheit als Werbefigur“"
    )
    return [
        (
            "text",
            f"<p>Unser Artikel {article_link} über die Werbefigur für Kundenzufriedenheit wurde "
            "5 852-mal gelesen und 12-mal kommentiert: der dritthäufigst gelesene Artikel des Blogs. "
            "Das Unternehmen meldete sich – und dann nie wieder. Hier ist jeder Schritt.</p>",
        ),
        (
            "timeline",
            {
                "heading": "Chronik der Kontaktversuche",
                "events": [
                    timeline_event(
                        date=datetime.date(2009, 12, 29),
                        channel="web",
                        direction="out",
                        what="Der erste Artikel „Kundenzufriedenheit als Werbefigur“ erscheint im Blog.",
                        outcome="5 852 Zugriffe und 12 Kommentare, der dritthäufigst gelesene Artikel des Blogs.",
                    ),
                    timeline_event(
                        date=datetime.date(2010, 1, 9),
                        channel="email",
                        direction="in",
                        what=(
                            "Der Head of Social Media lädt per E-Mail ein, die Werbefigur am 15. Januar 2010 "
                            "in der Firmenzentrale in Montabaur zu treffen."
                        ),
                    ),
                    timeline_event(
                        date=None,
                        channel="email",
                        direction="out",
                        what=(
                            "Die Reise nach Montabaur ist nicht möglich. Wir bieten an, stattdessen Fragen zu "
                            "schicken und die Antworten mit einem aktuellen Foto zu veröffentlichen."
                        ),
                        outcome="Keine Reaktion.",
                    ),
                    timeline_event(
                        date=None,
                        channel="phone",
                        direction="out",
                        what="Anruf beim Head of Social Media.",
                        outcome="Das Sekretariat sagt, er sei nur per E-Mail erreichbar.",
                    ),
                    timeline_event(
                        date=None,
                        channel="email",
                        direction="out",
                        what=(
                            "Zweite E-Mail: Wir bieten an, die Geschichte als Best Practice in der Reihe "
                            "„Chief Social Media Officer“ zu veröffentlichen."
                        ),
                        outcome="Keine Antwort, keine Absage – nichts.",
                    ),
                ],
            },
        ),
        (
            "key_figures",
            {
                "heading": "In Zahlen",
                "figures": [
                    key_figure("Zugriffe auf den ersten Artikel", 5852),
                    key_figure("Kommentare", 12),
                    key_figure("Platz unter den meistgelesenen Artikeln", 3),
                    key_figure("Kontaktversuche nach der Einladung", 3),
                    key_figure("Antworten", 0),
                ],
            },
        ),
        (
            "lessons",
            {
                "heading": "Was wir daraus lernen",
                "lessons": [
                    "Wer zu einem Gespräch einlädt, sollte auch auf die Antwort antworten.",
                    "„Nur per E-Mail erreichbar“ ist kein Problem – solange E-Mails beantwortet werden.",
                    "Eine Werbefigur für Kundenzufriedenheit ersetzt keinen Dialog.",
                ],
            },
        ),
    ]


# The series' standard questions: a new interview request for the series starts with these.
SERIES_QUESTION_SET = "Chief Social Media Officer: Standardfragen"
SERIES_QUESTIONS = [
    (
        "Seit wann gibt es bei Ihnen eine Verantwortliche oder einen Verantwortlichen für Social Media, "
        "und wem berichtet diese Rolle?",
        "",
    ),
    ("Wie schnell antworten Sie auf Fragen und Kritik in sozialen Netzwerken?", "Werktags, am Wochenende"),
    ("Wer darf im Namen des Unternehmens antworten – und braucht es dafür eine Freigabe?", ""),
    ("Welches Gespräch im Netz hat Ihnen am meisten beigebracht?", ""),
    ("Woran messen Sie, ob Ihr Social-Media-Engagement wirkt?", "Kennzahlen, gern mit Beispielen"),
    ("Was war Ihr größter Fehler, und was haben Sie daraus gelernt?", ""),
    ("Welchen Rat geben Sie einem Unternehmen, das gerade anfängt?", ""),
]


BEST_PRACTICE_BODY = [
    (
        "text",
        "<p>Ein verspätetes Schiff, ein wütender Tweet – und eine Antwort nach drei Stunden, die das "
        "Problem löste. Wir haben das Social-Media-Team von Nordlicht Reisen gefragt, wie es arbeitet.</p>",
    ),
    (
        "interview",
        {
            "interviewee": "das Social-Media-Team von Nordlicht Reisen",
            "pairs": [
                {
                    "question": "Wie schnell antworten Sie auf Kritik im Netz?",
                    "answer": "Werktags innerhalb von drei Stunden, am Wochenende innerhalb eines Tages.",
                    "photo": None,
                    "photo_caption": "",
                    "photo_credit": "",
                },
                {
                    "question": "Wer darf antworten?",
                    "answer": "Jeder im Team, ohne Freigabe. Wir vertrauen den Kolleginnen und Kollegen.",
                    "photo": None,
                    "photo_caption": "",
                    "photo_credit": "",
                },
                {
                    "question": "Was war Ihr wichtigster Fehler?",
                    "answer": "Anfangs haben wir Textbausteine verschickt. Das merkt jeder sofort.",
                    "photo": None,
                    "photo_caption": "",
                    "photo_credit": "",
                },
            ],
        },
    ),
    (
        "key_figures",
        {
            "heading": "In Zahlen",
            "figures": [
                key_figure("Mittlere Antwortzeit", 3, "Stunden"),
                key_figure("Beantwortete Anfragen", 98, "%"),
            ],
        },
    ),
    (
        "lessons",
        {
            "heading": "Was wir daraus lernen",
            "lessons": [
                "Schnell ist gut, persönlich ist besser.",
                "Vertrauen ins Team spart Freigabeschleifen.",
            ],
        },
    ),
]


@transaction.atomic
def load() -> dict[str, object]:
    home = HomePage.objects.first()
    index = _index_page(home)
    companies = {data["slug"]: _company(data) for data in COMPANIES}
    series = Series.objects.filter(slug=SERIES_SLUG).first()
    question_set = _question_set(series)
    first_article = ArticlePage.objects.filter(slug=FIRST_ARTICLE_SLUG).first()
    failure = _case_study(
        index,
        slug="1und1-einladung-ohne-antwort",
        title="1&1: Eine Einladung und dann Funkstille",
        company=companies["1und1"],
        outcome=Outcome.FAILURE,
        author_slugs=["jan-berger"],
        series=series,
        summary=(
            "Der Head of Social Media lädt uns nach Montabaur ein. Wir bieten Fragen statt Reise an, rufen "
            "an, schreiben noch einmal und bieten eine Best-Practice-Geschichte an. Keine Antwort."
        ),
        body=_failure_body(first_article),
        verdict="definitiv zu wenig Social-Media-Engagement",
        tags=["Social Media", "Kundendienst", "Funkstille"],
    )
    best_practice = _case_study(
        index,
        slug="nordlicht-reisen-antwort-in-drei-stunden",
        title="Nordlicht Reisen: Antwort in drei Stunden",
        company=companies["nordlicht-reisen"],
        outcome=Outcome.BEST_PRACTICE,
        author_slugs=["miriam-hoffmann", "tobias-keller"],
        series=series,
        summary="Ein erfundenes Beispiel: wie ein Reiseveranstalter aus einem wütenden Tweet einen Fan macht.",
        body=BEST_PRACTICE_BODY,
        verdict="So sieht Social-Media-Engagement aus.",
        tags=["Social Media", "Kundendienst"],
    )
    return {
        "case_study_index": index,
        "companies": companies,
        "failure": failure,
        "best_practice": best_practice,
        "question_set": question_set,
    }


def _question_set(series: Series | None) -> QuestionSet:
    existing = QuestionSet.objects.filter(name=SERIES_QUESTION_SET).first()
    if existing:
        return existing
    question_set = QuestionSet.objects.create(name=SERIES_QUESTION_SET, series=series)
    QuestionSetItem.objects.bulk_create(
        QuestionSetItem(question_set=question_set, text=text, help_text=help_text, sort_order=order)
        for order, (text, help_text) in enumerate(SERIES_QUESTIONS)
    )
    return question_set


def _index_page(home: HomePage) -> CaseStudyIndexPage:
    existing = CaseStudyIndexPage.objects.child_of(home).filter(slug="fallstudien").first()
    if existing:
        return existing
    page = home.add_child(
        instance=CaseStudyIndexPage(
            slug="fallstudien",
            title="Fallstudien",
            intro="Best Practice und Misserfolg: wie Unternehmen im Social Web antworten – und wie nicht.",
        )
    )
    page.save_revision().publish()
    return page


def _company(data: dict) -> Company:
    data = dict(data)
    contacts = data.pop("contacts")
    company, created = Company.objects.get_or_create(slug=data["slug"], defaults=data)
    if created:
        for contact in contacts:
            CompanyContact.objects.create(company=company, **contact)
    return company


def _case_study(
    index: CaseStudyIndexPage,
    *,
    slug: str,
    author_slugs: list[str],
    tags: list[str],
    **fields,
) -> CaseStudyPage:
    existing = CaseStudyPage.objects.child_of(index).filter(slug=slug).first()
    if existing:
        return existing
    page = CaseStudyPage(slug=slug, date=timezone.localdate(), **fields)
    authors = {author.slug: author for author in Author.objects.filter(slug__in=author_slugs)}
    page.authorships = [Authorship(author=authors[s]) for s in author_slugs if s in authors]
    index.add_child(instance=page)
    page.tags.add(*tags)
    # Demo seeding publishes directly; real case studies go through moderation.
    page.save_revision().publish()
    return page
