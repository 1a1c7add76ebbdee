"""What a company signs off: the answers and photos of one page revision, each
answer beside the contact's original, and the snapshot kept as evidence.

Every answer of every interview block is an item the contact may flag; so is
every photo (the hero image, image blocks, photos inside the interview). The
original answers come from the linked interview request: matched by the
question's text, then by a similar question (editors shorten questions too),
then by a similar answer. An answer with no match was added by the editors
and is shown without a comparison.

The comparison is word by word (difflib). Removed words are wrapped in
<del>, added ones in <ins>, each with a hidden text for screen readers, and
styled by more than colour (struck through, underlined). All text is escaped
here; the result is safe HTML."""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from wagtail.rich_text import get_text_for_indexing

from casestudies.interviews.models import InterviewRequest
from casestudies.pages.models import CaseStudyPage

QUESTION_SIMILARITY = 0.6
ANSWER_SIMILARITY = 0.5
COMMENT_MAX_LENGTH = 2000


@dataclass
class Comparison:
    original: SafeString
    edited: SafeString
    changed: bool


@dataclass
class PhotoItem:
    number: int
    key: str
    where: str  # "hero", "block" or "pair"
    image: object
    caption: str
    credit: str
    block_id: str = ""
    index: int | None = None

    kind = "photo"

    @property
    def label(self) -> str:
        return _("Photo %(number)s") % {"number": self.number}


@dataclass
class AnswerItem:
    number: int
    key: str
    block_id: str
    index: int
    question: str
    answer: str
    original: str | None
    comparison: Comparison | None
    photo: PhotoItem | None = None

    kind = "answer"

    @property
    def label(self) -> str:
        return _("Answer %(number)s") % {"number": self.number}


@dataclass
class SignOffContent:
    page: CaseStudyPage
    answers: list[AnswerItem] = field(default_factory=list)
    photos: list[PhotoItem] = field(default_factory=list)
    interviewees: list[str] = field(default_factory=list)

    @property
    def items(self) -> list[AnswerItem | PhotoItem]:
        return [*self.answers, *self.photos]

    def pair(self, block_id: str, index: int) -> AnswerItem | None:
        return next((a for a in self.answers if a.block_id == block_id and a.index == index), None)

    def block_photo(self, block_id: str) -> PhotoItem | None:
        return next((p for p in self.photos if p.where == "block" and p.block_id == block_id), None)

    @property
    def hero(self) -> PhotoItem | None:
        return next((p for p in self.photos if p.where == "hero"), None)


# Reading a page ---------------------------------------------------------------------


def has_interview(page) -> bool:
    body = getattr(page, "body", None) or []
    return any(block.block_type == "interview" and block.value["pairs"] for block in body)


def build(page: CaseStudyPage, request: InterviewRequest | None) -> SignOffContent:
    content = SignOffContent(page=page)
    photo_numbers = itertools.count(1)

    def photo(where, image, caption, credit, block_id="", index=None) -> PhotoItem:
        number = next(photo_numbers)
        item = PhotoItem(number, f"photo-{number}", where, image, caption, credit, block_id, index)
        content.photos.append(item)
        return item

    if page.hero_image_id:
        photo("hero", page.hero_image, "", "")
    for block in page.body:
        if block.block_type == "image":
            value = block.value
            photo("block", value["image"], value.get("caption", ""), value.get("credit", ""), block.id)
        elif block.block_type == "interview":
            if block.value.get("interviewee"):
                content.interviewees.append(block.value["interviewee"])
            for index, pair in enumerate(block.value["pairs"]):
                number = len(content.answers) + 1
                item = AnswerItem(
                    number=number,
                    key=f"answer-{number}",
                    block_id=block.id,
                    index=index,
                    question=pair["question"],
                    answer=pair["answer"],
                    original=None,
                    comparison=None,
                )
                if pair.get("photo"):
                    item.photo = photo(
                        "pair",
                        pair["photo"],
                        pair.get("photo_caption", ""),
                        pair.get("photo_credit", ""),
                        block.id,
                        index,
                    )
                content.answers.append(item)
    _add_originals(content.answers, request)
    return content


def _add_originals(answers: list[AnswerItem], request: InterviewRequest | None) -> None:
    if request is None:
        return
    originals = [
        (question.text, question.answer.text)
        for question in request.questions.select_related("answer").order_by("sort_order", "pk")
        if getattr(question, "answer", None) is not None
    ]
    matches = match_originals([(a.question, a.answer) for a in answers], originals)
    for item, match in zip(answers, matches, strict=True):
        if match is not None:
            item.original = originals[match][1]
            item.comparison = compare(item.original, item.answer)


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()


def _similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, _normal(a), _normal(b), autojunk=False).ratio()


def match_originals(pairs: list[tuple[str, str]], originals: list[tuple[str, str]]) -> list[int | None]:
    """For each (question, answer) on the page, the index of the original
    (question, answer) it came from, or None. Each original is used once."""
    result: list[int | None] = [None] * len(pairs)
    unused = list(range(len(originals)))

    def take(i: int, j: int) -> None:
        result[i] = j
        unused.remove(j)

    for i, (question, _answer) in enumerate(pairs):
        exact = next((j for j in unused if _normal(originals[j][0]) == _normal(question)), None)
        if exact is not None:
            take(i, exact)
    for position, threshold in ((0, QUESTION_SIMILARITY), (1, ANSWER_SIMILARITY)):
        for i, pair in enumerate(pairs):
            if result[i] is not None or not unused:
                continue
            best = max(unused, key=lambda j, p=pair: _similarity(originals[j][position], p[position]))
            if _similarity(originals[best][position], pair[position]) >= threshold:
                take(i, best)
    return result


# Word-level comparison ---------------------------------------------------------------

_TOKENS = re.compile(r"\w+|[^\w\s]+|\s+")


def _tokens(text: str) -> list[str]:
    """Words, runs of punctuation and whitespace (a space, a line break or a paragraph break)."""
    tokens = []
    for token in _TOKENS.findall(text.replace("\r\n", "\n").replace("\r", "\n")):
        if token.isspace():
            token = "\n" * min(token.count("\n"), 2) or " "
        tokens.append(token)
    return tokens


def _marks(tokens: list[str], changed: list[bool]) -> list[tuple[str, bool]]:
    """Whitespace is marked only between two marked tokens, so that a changed
    phrase is one <del> or <ins>, and a changed space alone is none."""
    marked = []
    for i, (token, change) in enumerate(zip(tokens, changed, strict=True)):
        if token.isspace():
            change = (
                0 < i < len(tokens) - 1 and changed[i - 1] and changed[i + 1] and not tokens[i + 1].isspace()
            )
        marked.append((token, change))
    return marked


def _text(tokens: list[str]) -> str:
    return "".join(
        "<br>" * token.count("\n") if token.isspace() and "\n" in token else escape(token) for token in tokens
    )


def _render(tokens: list[tuple[str, bool]], tag: str, label: str) -> SafeString:
    html = []
    for marked, group in itertools.groupby(tokens, key=lambda token: token[1]):
        inner = mark_safe(_text([token for token, _marked in group]))  # noqa: S308 - escaped above
        if marked:
            html.append(
                format_html(
                    '<{tag}><span class="visually-hidden">[{label}: </span>{inner}'
                    '<span class="visually-hidden">]</span></{tag}>',
                    tag=tag,
                    label=label,
                    inner=inner,
                )
            )
        else:
            html.append(inner)
    return mark_safe("".join(html))  # noqa: S308 - built from escaped parts only


def compare(original: str, edited: str) -> Comparison:
    """The original with removed words marked, the edited text with added words marked."""
    a, b = _tokens(original.strip()), _tokens(edited.strip())
    left = [False] * len(a)
    right = [False] * len(b)
    matcher = SequenceMatcher(str.isspace, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            left[i1:i2] = [True] * (i2 - i1)
            right[j1:j2] = [True] * (j2 - j1)
    return Comparison(
        original=_render(_marks(a, left), "del", _("removed")),
        edited=_render(_marks(b, right), "ins", _("added")),
        changed=[t for t in a if not t.isspace()] != [t for t in b if not t.isspace()],
    )


# Evidence -------------------------------------------------------------------------------


def snapshot(content: SignOffContent, *, revision_id: int | None) -> dict:
    """The text decided on, as plain data: kept with the decision."""
    page = content.page
    text = []
    for block in page.body:
        if block.block_type == "text":
            text.append({"type": "text", "text": get_text_for_indexing(block.value.source)})
        elif block.block_type == "quote":
            text.append(
                {
                    "type": "quote",
                    "text": block.value["quote"],
                    "attribution": block.value.get("attribution", ""),
                }
            )
    return {
        "page": page.pk,
        "revision": revision_id,
        "title": page.title,
        "summary": page.summary,
        "verdict": page.verdict,
        "interviewees": content.interviewees,
        "answers": [
            {"number": a.number, "question": a.question, "answer": a.answer, "original_answer": a.original}
            for a in content.answers
        ],
        "photos": [
            {
                "number": p.number,
                "where": p.where,
                "image_id": getattr(p.image, "pk", None),
                "image_title": getattr(p.image, "title", ""),
                "alt_text": getattr(p.image, "contextual_alt_text", None)
                or getattr(p.image, "default_alt_text", ""),
                "caption": p.caption,
                "credit": p.credit,
            }
            for p in content.photos
        ],
        "text": text,
    }


def digest(data: dict) -> str:
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
