"""Filtering the case-study index: outcome, industry, company, series, year.

Invalid choices (a company that does not exist, a year with no case study)
are reported by the form and ignored, so a stale link still shows a list."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from blog.models import PageTag, Series
from casestudies.companies.models import Industry
from casestudies.pages.outcomes import Outcome

FILTER_NAMES = ("outcome", "industry", "company", "series", "year", "tag")
# The filters that change the numbers beside each outcome.
COUNTED_BY = tuple(name for name in FILTER_NAMES if name != "outcome")
COMPANY_LIST_ID = "company-suggestions"
COMPANY_SUGGESTIONS = 30


class CaseStudyFilter(django_filters.FilterSet):
    outcome = django_filters.ChoiceFilter(choices=Outcome.choices, label=_("Outcome"), empty_label=_("All"))
    industry = django_filters.ChoiceFilter(
        field_name="company__industry", choices=Industry.choices, label=_("Industry"), empty_label=_("All")
    )
    # A text field, not a menu of every company: the page must not grow with
    # the companies. It takes a name or a slug (links from a company's page);
    # the browser suggests COMPANY_SUGGESTIONS names (a datalist).
    company = django_filters.CharFilter(
        method="filter_company",
        label=_("Company"),
        widget=forms.TextInput(attrs={"list": COMPANY_LIST_ID, "autocomplete": "off"}),
    )
    series = django_filters.ModelChoiceFilter(
        queryset=Series.objects.all(),
        to_field_name="slug",
        # The one series a case study belongs to; the menu's "Series" is plural in German.
        label=pgettext_lazy("the one series a story belongs to", "Series"),
        empty_label=_("All"),
    )
    # Tag links on case-study pages lead here; kept hidden, but it survives paging.
    tag = django_filters.CharFilter(method="filter_tag", widget=forms.HiddenInput)
    year = django_filters.ChoiceFilter(field_name="date__year", label=_("Year"), empty_label=_("All"))

    def __init__(
        self,
        data=None,
        queryset: QuerySet | None = None,
        *,
        companies: QuerySet,
        year_choices: list[tuple[str, str]] | None = None,
        company_suggestions: list[str] | None = None,
        **kwargs,
    ):
        super().__init__(data, queryset=queryset, **kwargs)
        self._unfiltered = queryset
        # Only companies readers can find a case study of (and a page for): the index hands them in.
        self._companies = companies
        if year_choices is None:
            year_choices = years_of(queryset) if queryset is not None else []
        self._year_choices = year_choices
        self._company_suggestions = company_suggestions
        self.filters["year"].extra["choices"] = year_choices

    def filter_company(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        company = self._companies.filter(Q(slug=value) | Q(name__iexact=value)).order_by("pk").first()
        # A company nobody can find (a stale link, a typo) is ignored, as an invalid choice was.
        return queryset if company is None else queryset.filter(company=company)

    def company_suggestions(self) -> list[str]:
        """The names the company field suggests: a few, however many companies there are."""
        if self._company_suggestions is None:
            self._company_suggestions = suggested_names(self._companies)
        return self._company_suggestions

    def filter_tag(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # Tags hang on wagtailcore.Page; a join through the subclass fails on
        # SQLite, a subquery on the tag rows does not.
        tagged = PageTag.objects.filter(tag__slug=value).values("content_object_id")
        return queryset.filter(pk__in=tagged)

    def is_active(self) -> bool:
        return self.is_bound and any(self.form.cleaned_data.get(name) for name in FILTER_NAMES)

    def outcome_rows(self) -> dict[str, int]:
        """Per outcome, how many case studies the other active filters leave
        (one grouped query)."""
        others = CaseStudyFilter(
            self._without("outcome"),
            queryset=self._unfiltered,
            companies=self._companies,
            year_choices=self._year_choices,
        )
        return dict(others.qs.order_by().values_list("outcome").annotate(n=Count("pk")))

    def _selected_outcome(self) -> str:
        return (self.form.cleaned_data.get("outcome") or "") if self.is_bound else ""

    def outcome_counts(self, rows: dict[str, int] | None = None) -> list[dict[str, object]]:
        """The numbers a reader sees beside each outcome link."""
        rows = self.outcome_rows() if rows is None else rows
        selected = self._selected_outcome()
        return [
            {"value": value, "label": label, "count": rows.get(value, 0), "selected": value == selected}
            for value, label in Outcome.choices
        ]

    def count(self, rows: dict[str, int]) -> int:
        """How many case studies the list holds, from outcome_rows(): the
        chosen outcome's number, or all of them."""
        selected = self._selected_outcome()
        return rows.get(selected, 0) if selected else sum(rows.values())

    def _without(self, name: str):
        if not self.is_bound:
            return None
        data = self.data.copy()
        data.pop(name, None)
        data.pop("page", None)
        return data


def years_of(queryset: QuerySet) -> list[tuple[str, str]]:
    """The years with a case study, newest first, as the year filter's choices."""
    return [(str(year.year), str(year.year)) for year in queryset.dates("date", "year", order="DESC")]


def suggested_names(companies: QuerySet) -> list[str]:
    return list(companies.order_by("name").values_list("name", flat=True)[:COMPANY_SUGGESTIONS])
