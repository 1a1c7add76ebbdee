"""The word-level comparison and the matching of edited answers to the originals."""

from __future__ import annotations

import pytest
from django.utils import translation

from casestudies.signoff.content import compare, digest, match_originals


def test_removed_and_added_words_are_marked_with_text_for_screen_readers():
    with translation.override("de"):
        result = compare("Wir antworten heute binnen einer Stunde.", "Wir antworten binnen zwei Stunden.")

    assert result.changed
    assert str(result.original) == (
        'Wir antworten <del><span class="visually-hidden">[entfernt: </span>heute'
        '<span class="visually-hidden">]</span></del> binnen '
        '<del><span class="visually-hidden">[entfernt: </span>einer Stunde'
        '<span class="visually-hidden">]</span></del>.'
    )
    assert str(result.edited) == (
        'Wir antworten binnen <ins><span class="visually-hidden">[hinzugefügt: </span>zwei Stunden'
        '<span class="visually-hidden">]</span></ins>.'
    )


def test_punctuation_is_compared_apart_from_the_word():
    result = compare("Aus einem Tweet, den ein Kunde schrieb.", "Aus einem Tweet.")

    assert str(result.edited) == "Aus einem Tweet."
    assert "Tweet<del>" in str(result.original)


def test_only_whitespace_is_no_change_and_line_breaks_survive():
    result = compare("Erste Zeile\n\nZweite  Zeile", "Erste Zeile\n\nZweite Zeile")

    assert not result.changed
    assert str(result.original) == "Erste Zeile<br><br>Zweite Zeile"


def test_markup_in_answers_is_escaped_in_both_versions():
    result = compare('<script>alert("x")</script> alt', '<script>alert("x")</script> <b>neu</b>')

    for side in (str(result.original), str(result.edited)):
        assert "<script>" not in side and "<b>" not in side
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in side
    assert "&lt;b&gt;neu&lt;/b&gt;" in str(result.edited)


ORIGINALS = [
    ("Wie kam es zu der Kampagne mit der Werbefigur?", "Mit einem Tweet an einem Sonntag, wie so oft."),
    ("Was haben Sie gelernt?", "Zuhören."),
]


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        # Same questions, other order.
        ([("Was haben Sie gelernt?", "Zuhören."), (ORIGINALS[0][0], "Tweet.")], [1, 0]),
        # A shortened question still finds its original.
        ([("Wie kam es zu der Kampagne?", "Ein Tweet.")], [0]),
        # A rewritten question is found by its answer.
        ([("Der Anfang?", "Mit einem Tweet an einem Sonntag.")], [0]),
        # A question the editors added has no original; each original is used once.
        ([("Was haben Sie gelernt?", "Zuhören."), ("Was sagt der Vorstand?", "Nichts.")], [1, None]),
    ],
)
def test_edited_answers_find_their_originals(pairs, expected):
    assert match_originals(pairs, ORIGINALS) == expected


def test_the_digest_does_not_depend_on_key_order():
    assert digest({"a": 1, "b": "ä"}) == digest({"b": "ä", "a": 1})
    assert len(digest({})) == 64
