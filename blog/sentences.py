"""Sentences that end in a value which ends in a full stop of its own.

An English time ("7:32 p.m.") or date-time ("Dec. 4, 2026, 7:32 p.m.") put
before a sentence's full stop would read "p.m.."; the abbreviation's stop
ends the sentence too, as in print. One place for every such message."""

from __future__ import annotations

import re

from django.utils.safestring import SafeString, mark_safe

# Two stops, neither part of an ellipsis.
_DOUBLE_STOP = re.compile(r"(?<!\.)\.\.(?!\.)")


def one_full_stop(text: str) -> str:
    joined = _DOUBLE_STOP.sub(".", str(text))
    return mark_safe(joined) if isinstance(text, SafeString) else joined  # noqa: S308 (was safe already)
