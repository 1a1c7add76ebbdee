import pytest

from .factories import InterviewRequestFactory
from .helpers import SAVED_ANSWER, real, send_and_get_link


@pytest.fixture
def interview(db):
    return InterviewRequestFactory(
        questions=["Wie kam es zur Kampagne?", "Was haben Sie gelernt?", "Was würden Sie anders machen?"]
    )


@pytest.fixture
def opened(client, interview, django_capture_on_commit_callbacks):
    """A contact who followed the link: returns the questionnaire URL."""
    link = send_and_get_link(interview, django_capture_on_commit_callbacks)
    response = client.get(link.replace("http://testserver", ""))
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200  # the browser follows the redirect
    return response["Location"]


@pytest.fixture
def case_study_index(db):
    """Where accepted interviews put their draft case study."""
    from wagtail.models import Page

    from blog.models import HomePage
    from tests.casestudies.factories import make_index

    home = HomePage.objects.first() or Page.get_first_root_node().add_child(
        instance=HomePage(title="Start", slug="start")
    )
    return make_index(home)


@pytest.fixture
def saved_before(interview, opened, client):
    """An answer and a photo the contact saved, through the questionnaire, before the bad input."""
    from casestudies.models import Answer, InterviewPhoto

    question = interview.questions.order_by("sort_order").first()
    client.post(opened, {f"answer_{question.pk}": SAVED_ANSWER, "action": "save"})
    assert Answer.objects.get(question=question).text == SAVED_ANSWER
    response = client.post(
        opened + "photos/",
        {"files": [real("photos/tiny-exif-gps.jpg")], "credit": "Foto: Firma", "consent": "on"},
    )
    assert response.status_code == 302  # POST, redirect, GET
    [photo] = InterviewPhoto.objects.filter(request=interview)
    return question, photo
