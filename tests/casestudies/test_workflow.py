"""Authors write and submit; only editors publish, through the moderation
workflow "Redaktionelle Freigabe" that the data migration sets up."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import WorkflowState
from wagtail.test.utils.form_data import querydict_from_html

from casestudies.models import CaseStudyPage, Outcome

from .factories import make_case_study

pytestmark = pytest.mark.django_db


def user_in(group_name: str, username: str):
    user = get_user_model().objects.create_user(username, f"{username}@casebook.test", "pw")
    user.groups.add(Group.objects.get(name=group_name))
    return user


def edit_form_data(client, page, action: str):
    response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 200
    data = querydict_from_html(response.content.decode(), form_id="page-edit-form")
    data[action] = action
    # The StreamField editor is built by JavaScript; an empty body posts this.
    data.setdefault("body-count", "0")
    return data


@pytest.fixture
def draft(index):
    # A best practice: the edit form posts an empty body, and a failure story
    # would need a dated timeline event (the pre-publication checklist).
    return make_case_study(index, title="Entwurf", outcome=Outcome.BEST_PRACTICE, live=False)


def test_the_workflow_is_assigned_to_case_studies(draft):
    workflow = draft.get_workflow()
    assert workflow is not None
    assert workflow.name == "Redaktionelle Freigabe"
    task = workflow.tasks.first().specific
    assert list(task.groups.values_list("name", flat=True)) == ["Editors"]


def test_an_author_cannot_publish(client, draft):
    author = user_in("Authors", "autorin")
    client.force_login(author)
    data = edit_form_data(client, draft, "action-publish")
    data["title"] = "Geändert"
    response = client.post(reverse("wagtailadmin_pages:edit", args=[draft.pk]), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    # The edit was accepted and saved as a draft, but nothing went live.
    assert draft.draft_title == "Geändert"
    assert not draft.live
    assert client.get(draft.url).status_code == 404
    assert not draft.permissions_for_user(author).can_publish()


def test_an_author_submits_and_an_editor_approves(client, draft):
    author = user_in("Authors", "autorin")
    editor = user_in("Editors", "redakteur")

    client.force_login(author)
    data = edit_form_data(client, draft, "action-submit")
    data["title"] = "Eingereicht"
    response = client.post(reverse("wagtailadmin_pages:edit", args=[draft.pk]), data)
    assert response.status_code == 302
    state = WorkflowState.objects.get(base_content_type__model="page", object_id=str(draft.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    draft.refresh_from_db()
    assert not draft.live

    # The author cannot approve their own submission.
    task_state = state.current_task_state
    approve = reverse("wagtailadmin_pages:workflow_action", args=[draft.pk, "approve", task_state.pk])
    client.post(approve, {"comment": ""})
    draft.refresh_from_db()
    assert not draft.live

    client.force_login(editor)
    client.post(approve, {"comment": "Passt."})
    page = CaseStudyPage.objects.get(pk=draft.pk)
    assert page.live
    assert page.title == "Eingereicht"
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED
    assert client.get(page.url).status_code == 200


def test_an_editor_can_publish_directly(client, draft):
    editor = user_in("Editors", "redakteur")
    client.force_login(editor)
    data = edit_form_data(client, draft, "action-publish")
    client.post(reverse("wagtailadmin_pages:edit", args=[draft.pk]), data)
    draft.refresh_from_db()
    assert draft.live


def test_an_author_can_choose_images_and_companies_but_not_delete_companies(draft):
    author = user_in("Authors", "autorin")
    assert author.has_perm("wagtailadmin.access_admin")
    assert author.has_perm("casestudies.add_company")
    assert not author.has_perm("casestudies.delete_company")
    assert author.has_perm("casestudies.change_companycontact")
    editor = user_in("Editors", "redakteur")
    assert editor.has_perm("casestudies.delete_company")
    from wagtail.images import get_image_model
    from wagtail.permissions import policy_registry

    assert policy_registry.get_by_type(get_image_model()).user_has_permission(author, "choose")


def test_an_author_can_open_the_case_study_form(client, index):
    client.force_login(user_in("Authors", "autorin"))
    url = reverse("wagtailadmin_pages:add", args=["casestudies", "casestudypage", index.pk])
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    for block in ("timeline", "interview", "key_figures", "lessons"):
        assert block in html


def edit_actions(client, page) -> tuple[set[str], str]:
    response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 200
    return set(re.findall(r'name="(action-[a-z-]+)"', response.content.decode())), response.content.decode()


def test_the_editor_offers_an_author_submission_and_an_editor_publishing(client, draft):
    client.force_login(user_in("Authors", "autorin"))
    actions, html = edit_actions(client, draft)
    assert "action-submit" in actions and "action-publish" not in actions
    assert "Redaktionelle Freigabe einreichen" in html

    client.force_login(user_in("Editors", "redakteur"))
    actions, _ = edit_actions(client, draft)
    assert {"action-submit", "action-publish"} <= actions


@pytest.fixture
def live_case(index):
    return make_case_study(index, title="Veröffentlicht", live=True)


def test_an_authors_changes_to_a_live_case_study_wait_for_an_editor(client, live_case):
    client.force_login(user_in("Authors", "autorin"))
    data = edit_form_data(client, live_case, "action-publish")
    data["title"] = "Ungeprüfte Änderung"
    client.post(reverse("wagtailadmin_pages:edit", args=[live_case.pk]), data)
    live_case.refresh_from_db()
    assert live_case.live and live_case.title == "Veröffentlicht"
    assert live_case.draft_title == "Ungeprüfte Änderung" and live_case.has_unpublished_changes
    assert "Ungeprüfte Änderung" not in client.get(live_case.url).content.decode()


def test_an_author_cannot_unpublish_an_editor_can(client, live_case):
    unpublish = reverse("wagtailadmin_pages:unpublish", args=[live_case.pk])
    client.force_login(user_in("Authors", "autorin"))
    client.post(unpublish)
    live_case.refresh_from_db()
    assert live_case.live

    client.force_login(user_in("Editors", "redakteur"))
    assert client.post(unpublish).status_code == 302
    live_case.refresh_from_db()
    assert not live_case.live
    client.logout()
    assert client.get(live_case.url).status_code == 404


def test_an_editor_approving_without_changes_writes_no_new_revision(client, draft):
    """The date's callable default once made every save a change: approving in
    the editor wrote a revision, which a re-approval workflow counts as an edit."""
    draft.get_workflow().start(draft, user_in("Authors", "autorin"))
    revisions = draft.revisions.count()
    client.force_login(user_in("Editors", "redakteur"))
    data = edit_form_data(client, draft, "action-workflow-action")
    data["workflow-action-name"] = "approve"

    response = client.post(reverse("wagtailadmin_pages:edit", args=[draft.pk]), data)

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.live
    assert draft.revisions.count() == revisions
