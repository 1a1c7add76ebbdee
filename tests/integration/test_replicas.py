"""Past one machine, proven together on this one: Debian's Varnish with the
project's VCL in front of two gunicorn replicas of the project (production
settings, the test's PostgreSQL database, a Redis of the test's own), and one
Celery worker per queue.

A reader's second request is answered by Varnish; an editor publishing
through replica A purges the page, and the next read through Varnish shows
the new text; a company contact's questionnaire opened on replica A saves on
replica B; a photo uploaded through A comes with its thumbnail at once (no
worker makes it) and is shown through B."""

from __future__ import annotations

import re
import secrets
import socket
from collections.abc import Iterator

import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core import mail
from wagtail.test.utils.form_data import querydict_from_html

from bench.varnish import Varnish, varnishd
from blog import demo as blog_demo
from casestudies.interviews import states as interview_states
from casestudies.models import Answer, InterviewPhoto, ProcessingState
from config.celery import QUEUES
from tests.faults import Contact
from tests.interviews.factories import InterviewRequestFactory
from tests.interviews.helpers import jpeg_bytes, link_in, token_of
from tests.processes import free_port
from tests.services import require_postgres, unavailable

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.worker]

NEW_TITLE = "Kundenzufriedenheit, neu erzählt"


@pytest.fixture
def varnish_port() -> int:
    if varnishd() is None:
        unavailable("varnishd is not installed (apt-get install varnish): this test starts its own")
    return free_port()


@pytest.fixture
def stack(varnish_port, own_redis, launch) -> Iterator[dict]:
    """Two replicas and a worker per queue, as the compose profile "scaled"
    runs them, then Varnish in front of the replicas."""
    env = {
        "REDIS_URL": own_redis.url(),
        "PAGE_CACHE_SECONDS": "300",
        "FRONT_CACHE_SECONDS": "300",
        "FRONTEND_CACHE_VARNISH_URLS": f"http://127.0.0.1:{varnish_port}",
        "TRUSTED_PROXY_COUNT": "1",
        "DATABASE_POOL": "true",
        "DATABASE_POOL_MAX_SIZE": "4",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    web_a = launch.web(**env)
    web_b = launch.web(**env)
    worker_env = {key: value for key, value in env.items() if key != "REDIS_URL"}
    workers = {queue: launch.worker(own_redis, queue=queue, **worker_env) for queue in QUEUES}
    try:
        front = Varnish(varnish_port, [web_a.port, web_b.port]).ready()
    except RuntimeError as error:
        pytest.fail(str(error), pytrace=False)
    try:
        yield {"varnish": front, "a": web_a, "b": web_b, "workers": workers, "launch": launch}
    finally:
        front.stop()


def read(front: Varnish, path: str) -> requests.Response:
    """A reader: no cookies."""
    response = requests.get(f"{front.url}{path}", timeout=15)
    assert response.status_code == 200, response.text[:2000]
    return response


def answered_from_cache(response: requests.Response) -> bool:
    # On a hit X-Varnish carries this request's id and the stored object's.
    return len(response.headers["X-Varnish"].split()) == 2


def sign_in(base_url: str, user) -> requests.Session:
    # Hashed as production hashes (the test settings use a fast hasher the replicas do not know).
    hasher, password = PBKDF2PasswordHasher(), secrets.token_urlsafe(16)
    user.password = hasher.encode(password, hasher.salt())
    user.save(update_fields=["password"])
    username = user.get_username()
    session = requests.Session()
    page = session.get(f"{base_url}/admin/login/", timeout=15)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = session.post(
        f"{base_url}/admin/login/",
        data={"csrfmiddlewaretoken": token, "username": username, "password": password},
        timeout=15,
    )
    assert response.status_code == 200 and "/admin/login/" not in response.url, response.text[:2000]
    return session


def publish_new_title(base_url: str, editor: requests.Session, page_id: int, title: str) -> None:
    """What the editor does in Wagtail's page editor: change the title, publish."""
    edit_url = f"{base_url}/admin/pages/{page_id}/edit/"
    form = editor.get(edit_url, timeout=15)
    assert form.status_code == 200
    data = querydict_from_html(form.text, form_id="page-edit-form")
    data["title"] = title
    data["action-publish"] = "action-publish"
    data.setdefault("body-count", "0")  # the StreamField editor is built by JavaScript
    data["csrfmiddlewaretoken"] = editor.cookies["csrftoken"]
    response = editor.post(edit_url, data=list(data.lists()), timeout=60, allow_redirects=False)
    assert response.status_code == 302, response.text[:3000]


@pytest.mark.django_db(transaction=True)
def test_varnish_serves_readers_from_cache_and_the_replicas_share_sessions_uploads_and_purges(stack):
    require_postgres()
    front, web_a, web_b = stack["varnish"], stack["a"], stack["b"]
    site = blog_demo.load()
    article = site["article"]
    path = article.url

    def diagnostics() -> str:
        return f"{stack['launch'].output()}\n{front.output()}"

    # 1. A reader's second request is answered by Varnish, not by a replica.
    first = read(front, path)
    assert article.title in first.text
    assert "s-maxage=300" in first.headers["Cache-Control"]
    second = read(front, path)
    assert answered_from_cache(second), second.headers
    assert second.headers["X-Cache"] == "hit"
    assert "Age" in second.headers
    assert second.text == first.text

    # 2. An editor publishes a new title through replica A: replica A purges
    #    the page in Varnish, and the next reader sees the new title.
    editor = sign_in(web_a.url, site["admin"])
    publish_new_title(web_a.url, editor, article.pk, NEW_TITLE)
    after = read(front, path)
    assert NEW_TITLE in after.text, diagnostics()
    assert not answered_from_cache(after)
    # The home page and the index above the article were purged too.
    assert NEW_TITLE in read(front, "/").text
    assert NEW_TITLE in read(front, article.get_parent().url).text

    # Pages for one visitor pass through Varnish and are never stored.
    editor_view = editor.get(f"{front.url}{path}", timeout=15)
    assert "no-store" in editor_view.headers["Cache-Control"]
    assert not answered_from_cache(editor.get(f"{front.url}{path}", timeout=15))

    # Only the replicas' network may purge: a PURGE from another address is refused.
    with socket.create_connection(("127.0.0.1", front.port), timeout=5, source_address=("127.0.0.2", 0)) as s:
        s.sendall(f"PURGE {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode())
        assert s.recv(200).startswith(b"HTTP/1.1 405"), "a reader could purge the cache"
    assert answered_from_cache(read(front, path))

    # 3. A questionnaire opened on replica A saves on replica B: the session
    #    lives in the shared database.
    interview = InterviewRequestFactory()
    question = interview.questions.order_by("sort_order").first()
    interview_states.send(interview, user=interview.owner)
    token = token_of(link_in(mail.outbox[-1]))
    on_a = Contact(web_a.url)
    opened = on_a.open(token)
    assert "no-store" in opened.headers["Cache-Control"]
    on_b = on_a.same_browser()
    on_b.base_url = web_b.url
    on_b.page_url = on_a.page_url.replace(web_a.url, web_b.url)
    saved = on_b.post({question.pk: "Auf Replik B gespeichert."})
    assert saved.status_code == 200, saved.text[:2000]
    assert Answer.objects.get(question=question).text == "Auf Replik B gespeichert."

    # 4. A photo uploaded through A has its thumbnail when the upload answers
    #    (made from the same decode, no worker involved) and is shown through B
    #    (the uploads live in storage both replicas share).
    uploaded = on_a.http.post(
        f"{on_a.page_url}photos/",
        data={"csrfmiddlewaretoken": on_a.csrf, "credit": "Pressestelle", "consent": "on"},
        files={"files": ("foto.jpg", jpeg_bytes((640, 480)), "image/jpeg")},
        timeout=30,
    )
    assert uploaded.status_code == 200, uploaded.text[:3000]
    photo = InterviewPhoto.objects.get(request=interview)
    assert photo.processing_state == ProcessingState.READY and photo.thumbnail
    # "Task <name>[<id>] received": the worker's banner lists every task's name as well.
    thumbnail_task = "Task casestudies.tasks.make_photo_thumbnail["
    assert not any(thumbnail_task in w.output(tail=10**7) for w in stack["workers"].values())
    page_on_b = on_b.http.get(on_b.page_url, timeout=15)
    thumbnail = re.search(r'<img class="photo-list__thumbnail" src="([^"]+)"', page_on_b.text)
    assert thumbnail, page_on_b.text[:3000]
    image = on_b.http.get(f"{web_b.url}{thumbnail.group(1)}", timeout=15)
    assert image.status_code == 200
    assert image.headers["Content-Type"] == "image/jpeg"
    assert image.content.startswith(b"\xff\xd8")
