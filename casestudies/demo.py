"""Demo content of the case studies: the case-study index at /fallstudien/,
the failure story of DESIGN.md, and one invented best-practice case study, so
that both outcomes show.

The failure story is an interview request with its contact log (logged as an
editor logs calls and emails), and its case study is generated from that log
by the code path of the admin action "Create failure case study", plus the
hand-written introduction, the figures of the first article and the lessons.

Runs after blog.demo.load (authors and the series exist by then). Idempotent:
everything is looked up by its slug first, so a second run changes nothing.
Dates the story does not give stay unknown; the contact has no name of a real
person, only a neutral label."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from blog import pageviews
from blog.demo import DEMO_ADMIN_USERNAME
from blog.models import ArticlePage, Author, Authorship, HomePage, Series
from casestudies.companies.models import Company, CompanyContact, Industry
from casestudies.interviews import states as interview_states
from casestudies.interviews.models import (
    Channel,
    Direction,
    EventKind,
    InterviewQuestion,
    InterviewRequest,
    InterviewStatus,
    QuestionSet,
    QuestionSetItem,
)
from casestudies.pages import drafts as case_study_drafts
from casestudies.pages import guards
from casestudies.pages.blocks import key_figure
from casestudies.pages.models import CaseStudyIndexPage, CaseStudyPage
from casestudies.pages.outcomes import Outcome
from casestudies.partial_dates import DatePrecision

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


# The 1&1 story as its contact log, as an editor logs it after the fact. Dates
# the story does not give stay unknown; their time only keeps the order.
FAILURE_REQUEST_ID = "demo-1und1-2010"
FAILURE_VIEWS = 9127
BEST_PRACTICE_VIEWS = 6340
FAILURE_SLUG = "1und1-einladung-ohne-antwort"
FAILURE_LOG = [
    {
        "occurred_at": (datetime.date(2009, 12, 29), 12),
        "date_precision": DatePrecision.DAY,
        "channel": Channel.WEB,
        "direction": Direction.OUT,
        "kind": EventKind.NOTE,
        "who": "Jan Berger",
        "summary": "Der erste Artikel „Kundenzufriedenheit als Werbefigur“ erscheint im Blog.",
        "outcome": "5 852 Zugriffe und 12 Kommentare, der dritthäufigst gelesene Artikel des Blogs.",
    },
    {
        "occurred_at": (datetime.date(2010, 1, 9), 10),
        "date_precision": DatePrecision.DAY,
        "channel": Channel.EMAIL,
        "direction": Direction.IN,
        "kind": EventKind.INVITATION,
        "who": "Head of Social Media",
        "summary": (
            "Der Head of Social Media lädt per E-Mail ein, die Werbefigur am 15. Januar 2010 "
            "in der Firmenzentrale in Montabaur zu treffen."
        ),
        "outcome": "",
    },
    {
        "occurred_at": (datetime.date(2010, 1, 9), 11),
        "date_precision": DatePrecision.UNKNOWN,
        "channel": Channel.EMAIL,
        "direction": Direction.OUT,
        "kind": EventKind.MESSAGE,
        "who": "Jan Berger",
        "summary": (
            "Die Reise nach Montabaur ist nicht möglich. Wir bieten an, stattdessen Fragen zu "
            "schicken und die Antworten mit einem aktuellen Foto zu veröffentlichen."
        ),
        "outcome": "Keine Reaktion.",
    },
    {
        "occurred_at": (datetime.date(2010, 1, 9), 12),
        "date_precision": DatePrecision.UNKNOWN,
        "channel": Channel.PHONE,
        "direction": Direction.OUT,
        "kind": EventKind.CALL,
        "who": "Jan Berger",
        "summary": "Anruf beim Head of Social Media.",
        "outcome": "Das Sekretariat sagt, er sei nur per E-Mail erreichbar.",
    },
    {
        "occurred_at": (datetime.date(2010, 1, 9), 13),
        "date_precision": DatePrecision.UNKNOWN,
        "channel": Channel.EMAIL,
        "direction": Direction.OUT,
        "kind": EventKind.MESSAGE,
        "who": "Jan Berger",
        "summary": (
            "Zweite E-Mail: Wir bieten an, die Geschichte als Best Practice in der Reihe "
            "„Chief Social Media Officer“ zu veröffentlichen."
        ),
        "outcome": "Keine Antwort, keine Absage – nichts.",
    },
]
FAILURE_QUESTIONS = [
    "Wie kam es zur Werbefigur für Kundenzufriedenheit?",
    "Was tut Ihr Team im Social Web, wenn ein Kunde unzufrieden ist?",
    "Was haben Sie aus den Kommentaren zu der Kampagne gelernt?",
]


def _failure_intro(first_article: ArticlePage | None) -> str:
    article_link = (
        f'<a linktype="page" id="{first_article.pk}">Kundenzufriedenheit als Werbefigur</a>'
        if first_article
        else "„Kundenzufriedenheit als Werbefigur“"
    )
    return (
        f"<p>Unser Artikel {article_link} über die Werbefigur für Kundenzufriedenheit wurde "
        "5 852-mal gelesen und 12-mal kommentiert: der dritthäufigst gelesene Artikel des Blogs. "
        "Das Unternehmen meldete sich – und dann nie wieder. Hier ist jeder Schritt.</p>"
    )


# Hand-written around the generated timeline and figures.
FAILURE_EXTRA_BLOCKS = [
    (
        "key_figures",
        {
            "heading": "Der erste Artikel",
            "figures": [
                key_figure("Zugriffe auf den ersten Artikel", 5852),
                key_figure("Kommentare", 12),
                key_figure("Platz unter den meistgelesenen Artikeln", 3),
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
    failure = _failure_story(index, companies["1und1"], series, first_article)
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
    # Page views, so that "Meistgelesen" shows on first start with the
    # seed's article third (blog.demo): the two case studies rank above it.
    # Their figures are the demo's own; the seed names only the article's.
    pageviews.seed_views(failure, failure.date or timezone.localdate(), FAILURE_VIEWS)
    pageviews.seed_views(best_practice, best_practice.date or timezone.localdate(), BEST_PRACTICE_VIEWS)
    pageviews.rebuild_most_read()
    return {
        "case_study_index": index,
        "companies": companies,
        "failure": failure,
        "best_practice": best_practice,
        "question_set": question_set,
    }


def _failure_story(
    index: CaseStudyIndexPage, company: Company, series: Series | None, first_article: ArticlePage | None
) -> CaseStudyPage:
    """The interview request of the story with its contact log, and the failure
    case study generated from it by the code path of the admin action
    ("Create failure case study"), published as demo content is."""
    request = InterviewRequest.objects.filter(public_id=FAILURE_REQUEST_ID).first()
    if request is not None and request.case_study_id:
        return request.case_study.specific
    existing = CaseStudyPage.objects.child_of(index).filter(slug=FAILURE_SLUG).first()
    if request is None:
        request = _failure_request(company, series)
    if existing is not None:
        # A site that has the story from before the log existed keeps its page.
        InterviewRequest.objects.filter(pk=request.pk).update(case_study=existing)
        return existing
    page = case_study_drafts.draft_failure_case_study(
        request,
        user=request.owner,
        title="1&1: Eine Einladung und dann Funkstille",
        slug=FAILURE_SLUG,
        summary=(
            "Der Head of Social Media lädt uns nach Montabaur ein. Wir bieten Fragen statt Reise an, rufen "
            "an, schreiben noch einmal und bieten eine Best-Practice-Geschichte an. Keine Antwort."
        ),
        intro=_failure_intro(first_article),
        extra_blocks=FAILURE_EXTRA_BLOCKS,
        verdict="definitiv zu wenig Social-Media-Engagement",
        tags=["Social Media", "Kundendienst", "Funkstille"],
    )
    # Demo seeding publishes directly. The story is from 2010, before any
    # Casebook notice: real failure stories wait for their last notice.
    with guards.waived():
        page.get_latest_revision().publish()
    return CaseStudyPage.objects.get(pk=page.pk)


def _failure_request(company: Company, series: Series | None) -> InterviewRequest:
    """The request as it stands after the story: nobody answered (the status is
    set as seeded, like a published demo page; the log is written as editors
    write it)."""
    owner = get_user_model().objects.filter(username=DEMO_ADMIN_USERNAME).first()
    at = {
        index: datetime.datetime.combine(day, datetime.time(hour), tzinfo=timezone.get_current_timezone())
        for index, (day, hour) in enumerate(entry["occurred_at"] for entry in FAILURE_LOG)
    }
    request = InterviewRequest.objects.create(
        public_id=FAILURE_REQUEST_ID,
        company=company,
        contact=company.contacts.order_by("sort_order", "pk").first(),
        language="de",
        intro=(
            "Leider kann ich nicht nach Montabaur reisen. Darf ich Ihnen stattdessen Fragen schicken? "
            "Die Antworten veröffentliche ich mit einem aktuellen Foto."
        ),
        # The story gives no deadline: the day of the meeting the company proposed.
        deadline=datetime.date(2010, 1, 15),
        # Its series (the case study's) comes from the series' question set.
        question_set=_question_set(series) if series else None,
        photos_wanted=1,
        photos_description="ein aktuelles Foto",
        remind_after_days="",
        remind_before_deadline_days=None,
        owner=owner,
        sent_at=at[2],
        last_contacted_at=at[4],
        status=InterviewStatus.EXPIRED,
        status_changed_at=at[4],
    )
    # The story's own questions, about the campaign, not the series' standard set.
    InterviewQuestion.objects.bulk_create(
        InterviewQuestion(request=request, text=text, sort_order=order)
        for order, text in enumerate(FAILURE_QUESTIONS)
    )
    for index, entry in enumerate(FAILURE_LOG):
        interview_states.log_contact(
            request,
            user=owner,
            **{**entry, "occurred_at": at[index]},
        )
    return request


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
