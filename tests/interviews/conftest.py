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
