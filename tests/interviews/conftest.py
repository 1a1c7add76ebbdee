import pytest

from .factories import InterviewRequestFactory
from .helpers import send_and_get_link


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
