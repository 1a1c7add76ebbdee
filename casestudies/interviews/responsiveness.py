"""How companies answer interview requests, per company and per industry:
how many requests were answered, declined or ignored, and the median number
of days from sending to the first answer.

- answered: the contact submitted answers, or replied (by mail, phone,
  letter) before or after the deadline, and did not decline;
- declined: the request ended declined;
- ignored: the request expired without any answer;
- waiting: sent and not answered yet (not part of the three);
requests that were never sent or that the editors withdrew count nowhere,
nor do unanswered ones whose email never reached the contact (it bounced,
casestudies.interviews.delivery): silence is only counted where we were heard.

One query reads every sent request with its first answer, whatever the
number of companies and requests; the numbers are counted from it."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from casestudies.companies.models import Industry
from casestudies.interviews import delivery
from casestudies.interviews.models import ContactEvent, Direction, EventKind, InterviewRequest
from casestudies.interviews.models import InterviewStatus as S
from casestudies.interviews.statuses import ANSWERED, UNANSWERED

ANSWER_KINDS = (EventKind.SUBMITTED, EventKind.REPLY, EventKind.MESSAGE, EventKind.CALL)


@dataclass
class Responsiveness:
    answered: int = 0
    declined: int = 0
    ignored: int = 0
    waiting: int = 0
    days_to_answer: list[int] = field(default_factory=list)

    @property
    def decided(self) -> int:
        return self.answered + self.declined + self.ignored

    @property
    def median_days(self) -> float | None:
        return statistics.median(self.days_to_answer) if self.days_to_answer else None

    def add(self, status: str, sent_at, first_answer) -> None:
        if status == S.DECLINED:
            self.declined += 1
        elif first_answer is not None or status in ANSWERED:
            self.answered += 1
            if first_answer is not None:
                start, end = timezone.localdate(sent_at), timezone.localdate(first_answer)
                self.days_to_answer.append(max((end - start).days, 0))
        elif status == S.EXPIRED:
            self.ignored += 1
        elif status in UNANSWERED:
            self.waiting += 1


@dataclass
class CompanyResponsiveness(Responsiveness):
    name: str = ""
    slug: str = ""
    industry: str = ""


@dataclass
class Report:
    companies: dict[int, CompanyResponsiveness]
    industries: dict[str, Responsiveness]

    def industry_rows(self) -> list[tuple[str, Responsiveness]]:
        labels = dict(Industry.choices)
        return sorted(
            ((str(labels.get(key, key)), stats) for key, stats in self.industries.items()),
            key=lambda row: row[0],
        )

    def top_companies(self, count: int = 10) -> list[CompanyResponsiveness]:
        ranked = sorted(self.companies.values(), key=lambda c: (-(c.decided + c.waiting), c.name))
        return ranked[:count]


def _first_answer() -> Subquery:
    return Subquery(
        ContactEvent.objects.filter(request=OuterRef("pk"), direction=Direction.IN, kind__in=ANSWER_KINDS)
        .order_by("occurred_at", "pk")
        .values("occurred_at")[:1]
    )


def _rows(requests: QuerySet) -> Iterable[tuple]:
    return (
        requests.filter(sent_at__isnull=False)
        .exclude(status__in=(S.DRAFT, S.WITHDRAWN))
        .annotate(first_answer=_first_answer())
        .exclude(Q(first_answer__isnull=True) & delivery.never_reached_condition())
        .order_by()
        .values_list(
            "company_id",
            "company__name",
            "company__slug",
            "company__industry",
            "status",
            "sent_at",
            "first_answer",
        )
    )


def report(company_ids: Iterable[int] | None = None) -> Report:
    """Responsiveness per company and per industry (of the given companies, or all): one query."""
    requests = InterviewRequest.objects.all()
    if company_ids is not None:
        requests = requests.filter(company_id__in=list(company_ids))
    companies: dict[int, CompanyResponsiveness] = {}
    industries: dict[str, Responsiveness] = {}
    for company_id, name, slug, industry, status, sent_at, first_answer in _rows(requests):
        company = companies.setdefault(
            company_id, CompanyResponsiveness(name=name, slug=slug, industry=industry)
        )
        company.add(status, sent_at, first_answer)
        industries.setdefault(industry, Responsiveness()).add(status, sent_at, first_answer)
    return Report(companies=companies, industries=industries)


def for_company(company) -> Responsiveness:
    return report([company.pk]).companies.get(company.pk) or Responsiveness()
