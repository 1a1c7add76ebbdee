"""Changing a row that others may change at the same time: lock it, then
change it only if it still is what was read.

select_for_update makes PostgreSQL queue concurrent writers; the conditional
update is what makes "exactly one wins" hold where select_for_update is a
no-op (SQLite). Every status change and every decision goes through these."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


def lock(model: type[M], pk: int, *, related: Iterable[str] = ()) -> M:
    """The row, locked until the transaction ends."""
    return _locking(model, related).get(pk=pk)


def lock_first(model: type[M], *, related: Iterable[str] = (), **lookup) -> M | None:
    """The row that `lookup` finds, locked until the transaction ends, or None
    (deleted meanwhile, or never there)."""
    return _locking(model, related).filter(**lookup).first()


def _locking(model: type[M], related: Iterable[str]) -> models.QuerySet[M]:
    # Only the row itself is locked (of=self): PostgreSQL cannot lock the
    # nullable side of an outer join.
    return model.objects.select_for_update(of=("self",)).select_related(*related)


def change_if(model: type[models.Model], pk: int, *, expected: dict, **values) -> bool:
    """Write `values` only if the row still has the `expected` values; True if this call changed it."""
    return model.objects.filter(pk=pk, **expected).update(**values) == 1
