"""Factories for interview requests and what hangs off them. Companies and
their contacts come from tests.casestudies.factories."""

from __future__ import annotations

import datetime

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from casestudies.models import InterviewQuestion, InterviewRequest
from tests.casestudies.factories import CompanyContactFactory


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"editor{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@casebook.test")
    first_name = "Erika"
    last_name = factory.Sequence(lambda n: f"Redakteurin{n}")


class InterviewRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InterviewRequest
        skip_postgeneration_save = True

    contact = factory.SubFactory(CompanyContactFactory)
    company = factory.LazyAttribute(lambda r: r.contact.company)
    language = factory.LazyAttribute(lambda r: r.contact.language)
    intro = "Wir möchten Ihre Social-Media-Arbeit als Best Practice vorstellen."
    deadline = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=14))
    owner = factory.SubFactory(UserFactory)

    @factory.post_generation
    def questions(self, create, extracted, **kwargs):
        texts = extracted if extracted is not None else ["Wie kam es zur Kampagne?", "Was haben Sie gelernt?"]
        for order, text in enumerate(texts):
            InterviewQuestion.objects.create(request=self, text=text, sort_order=order)
