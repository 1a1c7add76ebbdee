"""Search hits with the reader's words marked: the title, and a short excerpt
of the text where the words occur, each match wrapped in <mark>.

Everything is escaped first and only our own <mark> is markup, so neither a
query nor a story's text can inject HTML. The text comes from the fields and
the body's raw StreamField data already loaded with the card: no query per
hit, and no block rendering (which would fetch images)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator

from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

MIN_TERM_LENGTH = 2
EXCERPT_LENGTH = 220


def query_terms(query: str) -> list[str]:
    """The words of a query worth marking, longest first (so that a longer
    word wins over a shorter one it contains)."""
    words = {word.lower() for word in re.findall(r"\w+", query) if len(word) >= MIN_TERM_LENGTH}
    return sorted(words, key=lambda word: (-len(word), word))


def _pattern(terms: list[str]) -> re.Pattern | None:
    if not terms:
        return None
    return re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)


def highlight(text: str, terms: list[str]) -> SafeString:
    """`text`, escaped, with every occurrence of a term in <mark>."""
    pattern = _pattern(terms)
    if pattern is None:
        return escape(text)
    parts, last = [], 0
    for match in pattern.finditer(text):
        parts += [escape(text[last : match.start()]), f"<mark>{escape(match.group())}</mark>"]
        last = match.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))  # noqa: S308 (every part is escaped above)


def excerpt(texts: Iterable[str], terms: list[str], length: int = EXCERPT_LENGTH) -> str:
    """About `length` characters around the first match in the first text
    that has one, cut at spaces; the first text when none matches."""
    candidates = [" ".join(text.split()) for text in texts if text and text.strip()]
    if not candidates:
        return ""
    pattern = _pattern(terms)
    for text in candidates:
        match = pattern.search(text) if pattern else None
        if match:
            return _window(text, match.start(), length)
    return _window(candidates[0], 0, length)


def _window(text: str, position: int, length: int) -> str:
    if len(text) <= length:
        return text
    start = max(0, position - length // 3)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < position else start
    end = min(len(text), start + length)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > position else end
    return ("… " if start else "") + text[start:end] + (" …" if end < len(text) else "")


def story_texts(story) -> list[str]:
    """What a reader may have searched for, in the order an excerpt prefers:
    the teaser, the body's text, then a case study's verdict."""
    texts = [story.teaser]
    body = getattr(story, "body", None)
    if body is not None:
        texts += list(_strings(body.raw_data))
    texts.append(getattr(story, "verdict", ""))
    return texts


def _strings(data) -> Iterator[str]:
    """The sentences in raw StreamField data: rich text without its tags, and
    plain text values; not ids, dates or one-word choices (such as a channel)."""
    if isinstance(data, str):
        text = html.unescape(strip_tags(data)) if "<" in data else data
        if " " in text.strip():
            yield text
    elif isinstance(data, dict):
        # A block's own "type" and "id" are names, not text.
        for key, value in data.items():
            if key not in ("type", "id"):
                yield from _strings(value)
    elif isinstance(data, list | tuple) or hasattr(data, "__iter__"):
        for item in data:
            yield from _strings(item)
