"""Companies the case studies are about, and the people we talk to there.

A contact is a person: we keep only what the interview workflow needs (name,
role, how to reach them, which language to write in)."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable
from wagtail.search import index


class Industry(models.TextChoices):
    TELECOM = "telecom", _("Telecommunications and internet")
    RETAIL = "retail", _("Retail and e-commerce")
    MEDIA = "media", _("Media and publishing")
    FINANCE = "finance", _("Banking and insurance")
    MOBILITY = "mobility", _("Mobility and transport")
    ENERGY = "energy", _("Energy and utilities")
    FOOD = "food", _("Food and drink")
    SOFTWARE = "software", _("Software and IT services")
    PUBLIC = "public", _("Public sector and non-profit")
    OTHER = "other", _("Other")


class Language(models.TextChoices):
    GERMAN = "de", _("German")
    ENGLISH = "en", _("English")


class Company(index.Indexed, ClusterableModel):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    website = models.URLField(_("website"), blank=True)
    industry = models.CharField(
        _("industry"), max_length=20, choices=Industry.choices, default=Industry.OTHER
    )
    headquarters = models.CharField(_("headquarters"), max_length=200, blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    description = models.TextField(_("description"), blank=True)
    show_responsiveness = models.BooleanField(
        _("show responsiveness on the public page"),
        default=False,
        help_text=_("How many interview requests were answered, declined or ignored, and how fast."),
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("name"), FieldPanel("slug"), FieldPanel("industry"), FieldPanel("headquarters")],
            heading=_("Company"),
        ),
        FieldPanel("website"),
        FieldPanel("logo"),
        FieldPanel("description"),
        FieldPanel("show_responsiveness"),
        InlinePanel("contacts", label=_("Contacts")),
    ]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("headquarters"),
        index.FilterField("industry"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("company")
        verbose_name_plural = _("companies")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("casestudies:company", kwargs={"slug": self.slug})


class CompanyContact(Orderable):
    company = ParentalKey(Company, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=200, blank=True, help_text=_("e.g. Head of Social Media"))
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.GERMAN
    )
    # Set through the link in every email we send (casestudies.companies.opt_out); from
    # then on nothing is sent to this address.
    opted_out_at = models.DateTimeField(_("opted out of emails"), null=True, blank=True, editable=False)
    opt_out_reason = models.TextField(_("reason for opting out"), blank=True, editable=False)
    # A hard bounce (casestudies.interviews.inbound): the address that bounced,
    # when and why. It names the address, so an editor who enters another
    # one makes the contact reachable again without clearing anything.
    undeliverable_email = models.EmailField(_("undeliverable address"), blank=True, editable=False)
    undeliverable_at = models.DateTimeField(_("undeliverable since"), null=True, blank=True, editable=False)
    undeliverable_reason = models.CharField(
        _("why it is undeliverable"), max_length=500, blank=True, editable=False
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("role"),
        FieldPanel("email"),
        FieldPanel("phone"),
        FieldPanel("language"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return f"{self.name} ({self.company.name})" if self.company_id else self.name

    @property
    def opted_out(self) -> bool:
        return self.opted_out_at is not None

    @property
    def email_undeliverable(self) -> bool:
        """Whether the current address bounced for good (“nicht zustellbar”)."""
        return bool(self.email and self.undeliverable_email.lower() == self.email.strip().lower())
