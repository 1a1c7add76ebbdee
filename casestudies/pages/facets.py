"""What the case-study index's filters offer and count, kept in the cache:
the years to choose from, the companies suggested, and per outcome how many
case studies the other filters leave (which also gives the list's length).

Each of these reads every live case study; computed on every view, they made
the index grow with the number of case studies. They change only when a
case study is published (the "case-studies" stamp, renewed then) or when
something the fragment generation covers changes (an unpublished, moved or
deleted page, a renamed company, series or tag, a private page; see
blog/fragments.py), so both are in the key."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest

from blog import fragments

STAMP = "case-studies"


def _selection(request: HttpRequest, names: tuple[str, ...]) -> str:
    """The filters, as given, that change the outcome counts."""
    given = [(name, request.GET.get(name, "")[:200]) for name in names]
    return hashlib.sha256(repr(given).encode()).hexdigest()[:32]


class IndexFacets:
    """The cached facets of one index for one request: read in one round trip,
    each computed and stored only when missing or stale."""

    def __init__(self, index_pk: int, request: HttpRequest, *, counted_by: tuple[str, ...]):
        prefix = f"fragments:facets:{fragments.generation_for(request)}:{index_pk}"
        self._keys = {
            "years": f"{prefix}:years",
            "companies": f"{prefix}:companies",
            "outcomes": f"{prefix}:outcomes:{_selection(request, counted_by)}",
        }
        found = cache.get_many([*self._keys.values(), fragments.stamp_key(STAMP)])
        self._stamps = fragments.stamps_in(found, [STAMP])
        self._values: dict[str, Any] = {}
        for name, key in self._keys.items():
            value = fragments.current(found.get(key), self._stamps)
            if value is not None:
                self._values[name] = value

    def get(self, name: str, compute: Callable[[], Any]) -> Any:
        if name not in self._values:
            self._values[name] = compute()
            fragments.keep(self._keys[name], self._stamps, self._values[name])
        return self._values[name]


def case_study_published(**_kwargs) -> None:
    """Wagtail's page_published, for case studies: the counts may change."""
    fragments.renew_stamp(STAMP)
