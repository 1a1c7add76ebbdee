"""Seeding the benchmark database: the demo, then case studies, interview
requests and contact events at scale, in bulk.

Wagtail pages normally go in one at a time (`add_child` locks the parent,
computes the tree path, saves, updates the parent). Here the tree is written
directly, as treebeard's materialised path defines it: a child of a page
with path P at depth d has the path P + a 4-character base-36 step and depth
d + 1, and the parent's numchild counts its children. Base `wagtailcore_page`
rows are bulk-created first; the case-study rows (multi-table inheritance, so
Django's bulk_create refuses them) are inserted in batches with the model's
own field preparation. Live pages need no revisions. The search index and
the reference index are not built for seeded pages: no benchmark reads them.

Everything seeded is marked by the slug prefix `bench-`; a seed at the same
scale is detected and skipped. Random choices come from a fixed seed, so two
seeds of an empty database give the same data (timestamps aside)."""

from __future__ import annotations

import datetime
import hashlib
import io
import random
import time
from dataclasses import asdict, dataclass

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files.images import ImageFile
from django.db import connection, router, transaction
from django.db.models import F
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageDraw
from taggit.models import Tag
from wagtail.images import get_image_model
from wagtail.models import Page

from blog.models import Author, Authorship, PageTag, PageViewDay, Series
from blog.page_cache import invalidate_all
from casestudies.interviews.tokens import hash_token, token_expiry
from casestudies.models import (
    Answer,
    CaseStudyIndexPage,
    CaseStudyPage,
    Channel,
    Company,
    CompanyContact,
    ContactEvent,
    Direction,
    EventKind,
    Industry,
    InterviewQuestion,
    InterviewRequest,
    InterviewStatus,
    Outcome,
)
from casestudies.pages.blocks import key_figure, timeline_event

PREFIX = "bench-"
RANDOM_SEED = 20100109  # the day the invitation came (DESIGN.md)
BATCH = 1000


@dataclass(frozen=True)
class Scale:
    case_studies: int = 10_000
    interview_requests: int = 1_000
    contact_events: int = 50_000
    companies: int = 1_000
    authors: int = 20
    series: int = 4
    tags: int = 40
    images: int = 12
    questions_per_request: int = 8
    # The request the questionnaire benchmarks open: more questions and the
    # longest contact log, the worst case for its queries.
    bench_request_questions: int = 12
    bench_request_events: int = 250
    pageview_days: int = 60
    pages_viewed_per_day: int = 150


class SeedError(Exception):
    pass


# The kinds of contact events the seeder writes. The benchmarks add "saved"
# events (autosave logs one per ten minutes), which must not make the data
# look like another scale.
SEEDED_EVENT_KINDS = [
    EventKind.INVITATION,
    EventKind.REMINDER,
    EventKind.CALL,
    EventKind.REPLY,
    EventKind.OPENED,
    EventKind.NOTE,
]


def seeded_counts() -> dict[str, int]:
    events = ContactEvent.objects.filter(
        request__company__slug__startswith=PREFIX, kind__in=SEEDED_EVENT_KINDS
    )
    return {
        "case_studies": CaseStudyPage.objects.filter(slug__startswith=PREFIX).count(),
        "interview_requests": InterviewRequest.objects.filter(company__slug__startswith=PREFIX).count(),
        "contact_events": events.count(),
    }


def is_seeded(scale: Scale) -> bool:
    wanted = {
        "case_studies": scale.case_studies,
        "interview_requests": scale.interview_requests,
        "contact_events": scale.contact_events,
    }
    return seeded_counts() == wanted


def seed(scale: Scale = Scale(), *, log=print) -> dict[str, object]:
    """Seed at `scale` unless already seeded at it. Returns what was done."""
    from django.core.management import call_command

    call_command("load_demo", stdout=io.StringIO())
    counts = seeded_counts()
    if is_seeded(scale):
        log(f"seed: already seeded at this scale ({counts}); skipping")
        analyze()
        return {"skipped": True, "seconds": 0.0, "scale": asdict(scale), "counts": counts}
    if any(counts.values()):
        raise SeedError(
            f"The database holds benchmark data at another scale ({counts}). "
            "Run with --reseed to drop and recreate the benchmark database."
        )
    started = time.monotonic()
    with transaction.atomic():
        steps = _Seeder(scale, log).run()
    analyze()
    invalidate_all()
    seconds = time.monotonic() - started
    log(f"seed: done in {seconds:.1f}s")
    return {"skipped": False, "seconds": seconds, "steps": steps, "scale": asdict(scale), "counts": counts}


def analyze() -> None:
    """Fresh planner statistics, as autovacuum keeps them on a running site:
    right after a bulk load PostgreSQL would plan for empty tables."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


# Writing Wagtail pages in bulk -------------------------------------------------


def add_child_pages(parent: Page, pages: list[Page]) -> list[Page]:
    """Append `pages` (unsaved instances of one direct Page subclass, every
    field but the tree's set) as the last children of `parent`, in bulk.

    Sets path, depth, numchild, url_path, locale, content type and draft title
    the way Page.add_child would; updates the parent's numchild."""
    if not pages:
        return []
    model = type(pages[0])
    if set(model._meta.parents) != {Page}:
        raise TypeError(f"{model.__name__} must inherit from Page directly (one table below it)")
    using = router.db_for_write(model)
    parent = Page.objects.select_for_update().get(pk=parent.pk)
    last = parent.get_last_child()
    first_step = Page._str2int(last.path[-Page.steplen :]) + 1 if last else 1
    content_type = ContentType.objects.get_for_model(model)
    depth = parent.depth + 1
    for offset, page in enumerate(pages):
        page.path = Page._get_path(parent.path, depth, first_step + offset)
        page.depth = depth
        page.numchild = 0
        page.url_path = f"{parent.url_path}{page.slug}/"
        page.locale_id = parent.locale_id
        page.content_type = content_type
        page.draft_title = page.title
    base_fields = [f for f in Page._meta.local_concrete_fields if not f.primary_key]
    own_fields = list(model._meta.local_concrete_fields)
    for start in range(0, len(pages), BATCH):
        batch = pages[start : start + BATCH]
        rows = Page.objects.bulk_create(
            [Page(**{f.attname: getattr(page, f.attname) for f in base_fields}) for page in batch]
        )
        for page, row in zip(batch, rows, strict=True):
            page.pk = page.id = page.page_ptr_id = row.pk
        # What Model.save does for the child table, for a whole batch at once.
        model._base_manager._insert(batch, fields=own_fields, using=using)
    Page.objects.filter(pk=parent.pk).update(numchild=F("numchild") + len(pages))
    return pages


# The seeder ---------------------------------------------------------------------

OUTCOME_WEIGHTS = {Outcome.FAILURE: 40, Outcome.BEST_PRACTICE: 35, Outcome.OPEN: 25}
STATUS_WEIGHTS = {
    InterviewStatus.DRAFT: 8,
    InterviewStatus.SENT: 20,
    InterviewStatus.OPENED: 8,
    InterviewStatus.IN_PROGRESS: 12,
    InterviewStatus.SUBMITTED: 8,
    InterviewStatus.CHANGES_REQUESTED: 4,
    InterviewStatus.ACCEPTED: 5,
    InterviewStatus.PUBLISHED: 10,
    InterviewStatus.DECLINED: 8,
    InterviewStatus.EXPIRED: 12,
    InterviewStatus.WITHDRAWN: 5,
}
ANSWERED = {
    InterviewStatus.IN_PROGRESS,
    InterviewStatus.SUBMITTED,
    InterviewStatus.CHANGES_REQUESTED,
    InterviewStatus.ACCEPTED,
    InterviewStatus.PUBLISHED,
}
CITIES = ["Berlin", "Hamburg", "München", "Köln", "Frankfurt", "Stuttgart", "Leipzig", "Kiel", "Montabaur"]
QUESTIONS = [
    "Wie schnell antworten Sie auf Kritik im Netz?",
    "Wer darf in Ihrem Unternehmen öffentlich antworten?",
    "Was war Ihr wichtigster Fehler im Social Web?",
    "Wie messen Sie, ob sich Kunden gehört fühlen?",
    "Welche Rolle spielt die Werbung für Ihren Kundendienst?",
    "Was würden Sie heute anders machen?",
    "Wie viele Menschen arbeiten in Ihrem Social-Media-Team?",
    "Welche Anfrage hat Sie zuletzt überrascht?",
]


def _choices(rng: random.Random, weights: dict, k: int) -> list:
    return rng.choices(list(weights), weights=list(weights.values()), k=k)


class _Seeder:
    def __init__(self, scale: Scale, log):
        self.scale = scale
        self.log = log
        self.rng = random.Random(RANDOM_SEED)
        self.now = timezone.now()
        self.steps: dict[str, float] = {}

    def step(self, name, function):
        started = time.monotonic()
        result = function()
        self.steps[name] = round(time.monotonic() - started, 2)
        self.log(f"seed: {name} ({self.steps[name]:.1f}s)")
        return result

    def run(self) -> dict[str, float]:
        self.admin = get_user_model().objects.get(username="admin")
        self.index = CaseStudyIndexPage.objects.get(slug="fallstudien")
        self.step("images", self.images)
        self.step("authors, series, tags, editors", self.people)
        self.step(f"{self.scale.companies} companies with a contact each", self.companies)
        self.step(f"{self.scale.case_studies} case studies", self.case_studies)
        self.step("page views (most read)", self.page_views)
        self.step(f"{self.scale.interview_requests} interview requests", self.interview_requests)
        self.step(f"{self.scale.contact_events} contact events", self.contact_events)
        return self.steps

    def images(self):
        Image = get_image_model()
        self.pool = []
        for number in range(self.scale.images):
            canvas = PILImage.new("RGB", (1600, 1000), _colour(number))
            draw = ImageDraw.Draw(canvas)
            for band in range(0, 1600, 80):
                draw.rectangle((band, 0, band + 40, 1000), fill=_colour(number + band // 80))
            buffer = io.BytesIO()
            canvas.save(buffer, format="JPEG", quality=85)
            image = Image(
                title=f"{PREFIX}bild-{number}", file=ImageFile(buffer, name=f"{PREFIX}{number}.jpg")
            )
            image.save()
            self.pool.append(image)

    def people(self):
        rng = self.rng
        authors = [
            Author(
                name=f"Autorin {n}",
                slug=f"{PREFIX}autorin-{n}",
                role="Autorin",
                bio="Schreibt über Unternehmen und ihre Kunden. " * 3,
                photo=self.pool[n % len(self.pool)] if n % 2 == 0 else None,
            )
            for n in range(self.scale.authors)
        ]
        self.authors = list(
            Author.objects.filter(slug__in=["jan-berger", "miriam-hoffmann", "tobias-keller"])
        )
        self.authors += Author.objects.bulk_create(authors)
        series = [
            Series(name=f"Reihe {n}", slug=f"{PREFIX}reihe-{n}", description="Eine Reihe.")
            for n in range(self.scale.series)
        ]
        self.series = list(Series.objects.filter(slug="chief-social-media-officer"))
        self.series += Series.objects.bulk_create(series)
        self.tags = Tag.objects.bulk_create(
            [Tag(name=f"Thema {n}", slug=f"{PREFIX}thema-{n}") for n in range(self.scale.tags)]
        )
        User = get_user_model()
        editors = [
            User(username=f"{PREFIX}editor-{n}", email=f"editor{n}@casebook.test", is_staff=True)
            for n in range(5)
        ]
        for editor in editors:
            editor.set_unusable_password()
        self.owners = [self.admin, *User.objects.bulk_create(editors)]
        rng.shuffle(self.authors)

    def companies(self):
        industries = list(Industry.values)
        companies = Company.objects.bulk_create(
            [
                Company(
                    name=f"Firma {n:04d} GmbH",
                    slug=f"{PREFIX}firma-{n:04d}",
                    industry=industries[n % len(industries)],
                    headquarters=CITIES[n % len(CITIES)],
                    website=f"https://firma-{n:04d}.example/",
                    description="Ein erfundenes Unternehmen für die Benchmarks.",
                )
                for n in range(self.scale.companies)
            ],
            batch_size=BATCH,
        )
        contacts = CompanyContact.objects.bulk_create(
            [
                CompanyContact(
                    company=company,
                    name=f"Kontakt {n:04d}",
                    role="Head of Social Media",
                    email=f"kontakt{n:04d}@firma-{n:04d}.example",
                    language="de" if n % 5 else "en",
                    sort_order=0,
                )
                for n, company in enumerate(companies)
            ],
            batch_size=BATCH,
        )
        self.companies = companies
        self.contacts = contacts

    def _body(self, number: int) -> list[dict]:
        pool = self.pool
        image = pool[number % len(pool)]
        return [
            {"type": "text", "value": "<p>Ein verspäteter Zug, ein wütender Tweet – und dann?</p>" * 3},
            {"type": "image", "value": {"image": image.pk, "caption": "Die Zentrale", "credit": "Casebook"}},
            {
                "type": "interview",
                "value": {
                    "interviewee": "das Social-Media-Team",
                    "pairs": [
                        {
                            "question": question,
                            "answer": "Werktags innerhalb von drei Stunden, am Wochenende innerhalb eines Tages.",
                            "photo": pool[(number + q) % len(pool)].pk if q == 0 else None,
                            "photo_caption": "",
                            "photo_credit": "",
                        }
                        for q, question in enumerate(QUESTIONS[:4])
                    ],
                },
            },
            {
                "type": "timeline",
                "value": {
                    "heading": "Chronik der Kontaktversuche",
                    "events": [
                        timeline_event(
                            date=datetime.date(2010, 1, 9 + n),
                            channel=["email", "phone"][n % 2],
                            direction="out",
                            what="Wir fragen nach.",
                            outcome="Keine Antwort.",
                        )
                        for n in range(5)
                    ],
                },
            },
            {
                "type": "key_figures",
                "value": {
                    "heading": "In Zahlen",
                    "figures": [key_figure("Kontaktversuche", 5), key_figure("Antworten", 0)],
                },
            },
            {
                "type": "lessons",
                "value": {"heading": "Was wir daraus lernen", "lessons": ["Antworten.", "Zuhören."]},
            },
        ]

    def case_studies(self):
        rng, scale = self.rng, self.scale
        outcomes = _choices(rng, OUTCOME_WEIGHTS, scale.case_studies)
        span = 15 * 365 * 24 * 3600
        pages = []
        for n in range(scale.case_studies):
            published = self.now - datetime.timedelta(seconds=rng.randrange(span))
            image = self.pool[n % len(self.pool)]
            pages.append(
                CaseStudyPage(
                    title=f"Fallstudie {n:05d}: Wie Firma {n % scale.companies:04d} antwortet",
                    slug=f"{PREFIX}fallstudie-{n:05d}",
                    live=True,
                    has_unpublished_changes=False,
                    first_published_at=published,
                    last_published_at=published,
                    latest_revision_created_at=published,
                    owner=self.admin,
                    date=timezone.localdate(published),
                    series=self.series[n % len(self.series)] if n % 3 == 0 else None,
                    feed_image=image,
                    hero_image=image,
                    company=self.companies[n % scale.companies],
                    outcome=outcomes[n],
                    summary="Wir haben gefragt, das Unternehmen hat geantwortet – oder nicht. " * 3,
                    body=self._body(n),
                    verdict="So sieht Social-Media-Engagement aus.",
                    search_description="",
                )
            )
        add_child_pages(self.index, pages)
        authorships, tagged = [], []
        for n, page in enumerate(pages):
            first = n % len(self.authors)
            names = [first] if n % 2 else [first, (first + 7) % len(self.authors)]
            authorships += [
                Authorship(page_id=page.pk, author=self.authors[a], sort_order=order)
                for order, a in enumerate(names)
            ]
            tagged += [
                PageTag(content_object_id=page.pk, tag=tag) for tag in rng.sample(self.tags, 2 + n % 2)
            ]
        Authorship.objects.bulk_create(authorships, batch_size=BATCH)
        PageTag.objects.bulk_create(tagged, batch_size=BATCH)
        self.pages = pages

    def page_views(self):
        rng, scale = self.rng, self.scale
        today = timezone.localdate()
        rows = []
        for day in range(scale.pageview_days):
            for page in rng.sample(self.pages, min(scale.pages_viewed_per_day, len(self.pages))):
                rows.append(
                    PageViewDay(
                        page_id=page.pk, day=today - datetime.timedelta(days=day), views=rng.randint(1, 400)
                    )
                )
        PageViewDay.objects.bulk_create(rows, batch_size=BATCH)

    def interview_requests(self):
        rng, scale = self.rng, self.scale
        statuses = _choices(rng, STATUS_WEIGHTS, scale.interview_requests)
        # The first request is the one the questionnaire benchmarks use.
        statuses[0] = InterviewStatus.IN_PROGRESS
        requests = []
        for n in range(scale.interview_requests):
            company = self.companies[n % len(self.companies)]
            contact = self.contacts[n % len(self.contacts)]
            created = self.now - datetime.timedelta(days=rng.randrange(2, 700), minutes=n)
            status = statuses[n]
            deadline = (
                timezone.localdate() + datetime.timedelta(days=60)
                if n == 0 or status != InterviewStatus.EXPIRED
                else timezone.localdate(created) + datetime.timedelta(days=21)
            )
            request = InterviewRequest(
                company=company,
                contact=contact,
                language=contact.language,
                intro="Wir möchten Ihr Unternehmen in unserer Reihe vorstellen. " * 2,
                deadline=deadline,
                photos_wanted=1,
                status=status,
                owner=self.owners[n % len(self.owners)],
                status_changed_at=created,
            )
            if status != InterviewStatus.DRAFT:
                request.token_hash = hash_token(f"{PREFIX}token-{n}-{rng.random()}")
                request.token_expires_at = token_expiry(request)
                request.last_contacted_at = created
            requests.append(request)
        requests = InterviewRequest.objects.bulk_create(requests, batch_size=BATCH)
        # created_at is auto_now_add: spread it afterwards, as real requests are.
        for request in requests:
            request.created_at = request.updated_at = request.status_changed_at
        InterviewRequest.objects.bulk_update(requests, ["created_at", "updated_at"], batch_size=BATCH)
        questions = []
        for n, request in enumerate(requests):
            count = scale.bench_request_questions if n == 0 else scale.questions_per_request
            questions += [
                InterviewQuestion(request=request, text=QUESTIONS[q % len(QUESTIONS)], sort_order=q)
                for q in range(count)
            ]
        questions = InterviewQuestion.objects.bulk_create(questions, batch_size=BATCH)
        by_request = {}
        for question in questions:
            by_request.setdefault(question.request_id, []).append(question)
        answers = []
        for request in requests:
            if request.status not in ANSWERED:
                continue
            final = request.status != InterviewStatus.IN_PROGRESS
            for q, question in enumerate(by_request[request.pk]):
                if final or q % 2 == 0:
                    answers.append(
                        Answer(question=question, text="Unsere Antwort, ausführlich. " * 5, is_final=final)
                    )
        Answer.objects.bulk_create(answers, batch_size=BATCH)
        self.requests = requests

    def contact_events(self):
        rng, scale = self.rng, self.scale
        bench_request = self.requests[0]
        others = [r for r in self.requests[1:] if r.status != InterviewStatus.DRAFT]
        if not others:
            raise SeedError("No interview request to log contact events for.")
        bench_events = min(scale.bench_request_events, scale.contact_events)
        # A few requests have long logs (the failure stories), most short ones.
        weights = [5 if n % 10 == 0 else 1 for n in range(len(others))]
        targets = [bench_request] * bench_events + rng.choices(
            others, weights=weights, k=scale.contact_events - bench_events
        )
        kinds = [  # SEEDED_EVENT_KINDS
            (EventKind.INVITATION, Channel.EMAIL, Direction.OUT),
            (EventKind.REMINDER, Channel.EMAIL, Direction.OUT),
            (EventKind.CALL, Channel.PHONE, Direction.OUT),
            (EventKind.REPLY, Channel.EMAIL, Direction.IN),
            (EventKind.OPENED, Channel.FORM, Direction.IN),
            (EventKind.NOTE, "", Direction.OUT),
        ]
        events = []
        for request in targets:
            kind, channel, direction = kinds[rng.randrange(len(kinds))]
            age = max(1, int((self.now - request.created_at).total_seconds()))
            events.append(
                ContactEvent(
                    request=request,
                    occurred_at=self.now - datetime.timedelta(seconds=rng.randrange(age)),
                    channel=channel,
                    direction=direction,
                    kind=kind,
                    who="Redaktion" if direction == Direction.OUT else request.contact.name,
                    summary="Nachgefragt, ob die Fragen angekommen sind.",
                    outcome="Keine Antwort." if kind == EventKind.CALL else "",
                    internal=kind == EventKind.NOTE,
                    recorded_by=self.admin if direction == Direction.OUT else None,
                )
            )
        ContactEvent.objects.bulk_create(events, batch_size=BATCH)


def _colour(number: int) -> tuple[int, int, int]:
    digest = hashlib.sha256(str(number).encode()).digest()
    return digest[0], digest[1], digest[2]


def bench_request() -> InterviewRequest:
    """The interview request the questionnaire benchmarks open (seeded first)."""
    return (
        InterviewRequest.objects.filter(company__slug__startswith=PREFIX, status=InterviewStatus.IN_PROGRESS)
        .order_by("pk")
        .first()
    )
