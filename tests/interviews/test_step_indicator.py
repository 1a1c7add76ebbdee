"""The step indicator an editor reads on every listed request: each step with
its date in Berlin time or "noch nicht", the current step named and marked."""

import datetime
import re

from django.utils import translation

from casestudies.interviews.admin import step_indicator
from casestudies.interviews.funnel import STEPS, Step

UTC = datetime.UTC


def steps(reached: dict[str, datetime.datetime]) -> list[Step]:
    names = [name for name, _label in STEPS if name in reached]
    return [Step(name, label, reached.get(name), name == names[-1]) for name, label in STEPS]


def test_each_step_shows_its_date_in_local_time_or_not_yet():
    # 23:30 UTC on the 9th is already the 10th in Berlin.
    with translation.override("de"):
        html = step_indicator.render(steps({"sent": datetime.datetime(2026, 1, 9, 23, 30, tzinfo=UTC)}))
    assert '<time datetime="2026-01-10T00:30:00+01:00">10.01.2026</time>' in html
    assert html.count("noch nicht") == 3
    current = re.findall(r'<li class="([^"]+)" aria-current="step">', html)
    assert current == ["cb-steps__step cb-steps__step--reached cb-steps__step--current"]
    assert re.search(r'cb-steps__current" aria-hidden="true">gesendet<', html)
    assert 'aria-label="Fortschritt"' in html


def test_a_request_not_sent_says_so():
    with translation.override("en"):
        html = step_indicator.render([Step(name, label, None, False) for name, label in STEPS])
    assert "aria-current" not in html and html.count("not yet") == 4
    assert re.search(r'cb-steps__current" aria-hidden="true">not sent<', html)
