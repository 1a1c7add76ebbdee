"""Changing a row that others may change at the same time: lock it, then
change it only if it still is what was read.

select_for_update makes PostgreSQL queue concurrent writers; the conditional
update is what makes "exactly one wins" hold where select_for_update is a
no-op (SQLite). Every status change and every decision goes through these."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from django.db import models, transaction

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


def claim(queryset: models.QuerySet[M], *, limit: int, order_by: Iterable[str], **values) -> list[M]:
    """Up to `limit` rows of `queryset`, changed to `values` in one short
    transaction and returned as changed: a batch that this caller now holds.

    PostgreSQL locks the rows it picks and skips rows another claim has
    locked (SKIP LOCKED), so two claimers get disjoint batches without waiting
    for each other; the lock holds until the change is committed, after which
    the rows no longer match `queryset`. SQLite has no row locks: its
    transactions take the write lock when they begin (settings:
    transaction_mode IMMEDIATE), so claims run one after the other."""
    order_by = list(order_by)
    with transaction.atomic():
        picked = list(
            queryset.select_for_update(skip_locked=True)
            .order_by(*order_by)
            .values_list("pk", flat=True)[:limit]
        )
        if not picked:
            return []
        queryset.model._default_manager.filter(pk__in=picked).update(**values)
        return list(queryset.model._default_manager.filter(pk__in=picked).order_by(*order_by))
