"""The safety plan: plan → themes → goals, and what hangs off a goal per year: activities with
their status history, money (amounts and credits), texts and the judgement "doel gehaald".

Indicators live in the ``indicators`` app. A plan file reloaded updates themes and goals by key
(``policy.planload``): a goal that left the file is marked removed, never deleted, so its
activities, money and texts stay. Every change made through the web is a :class:`Change`.
"""

from __future__ import annotations

from django.db import models

from openveiligheid.accounts.access import gemeente_queryset


class Plan(models.Model):
    gemeente_code = models.CharField("gemeente", max_length=6)
    name = models.CharField("naam", max_length=255)
    period = models.CharField("planperiode", max_length=20, blank=True)
    division = models.PositiveSmallIntegerField("gebiedsindeling", null=True, blank=True)
    description = models.TextField("omschrijving", blank=True)
    source_file = models.CharField("planbestand", max_length=255, blank=True)
    source_text = models.TextField("YAML-tekst", blank=True)
    public = models.BooleanField(
        "openbaar",
        default=False,
        help_text="Het vastgestelde jaarverslag en de openbare indicatoren staan zonder inloggen "
        "op /openbaar/.",
    )
    loaded_at = models.DateTimeField("ingelezen", auto_now=True)

    objects = gemeente_queryset("gemeente_code").as_manager()

    class Meta:
        verbose_name = "plan"
        verbose_name_plural = "plannen"
        ordering = ["-loaded_at"]
        constraints = [
            models.UniqueConstraint(fields=["gemeente_code", "name"], name="plan_unique_name")
        ]
        permissions = [
            ("bewerken", "Plan, doelen, streefwaarden, activiteiten en teksten bewerken"),
            ("financien_bewerken", "Financiën en kredieten per doel bewerken"),
        ]

    def __str__(self) -> str:
        return self.name


class Theme(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="themes")
    key = models.SlugField("id", max_length=100)
    name = models.CharField("naam", max_length=255)
    description = models.TextField("omschrijving", blank=True)
    order = models.PositiveSmallIntegerField("volgorde", default=0)
    removed_at = models.DateTimeField("verwijderd op", null=True, blank=True)

    objects = gemeente_queryset("plan__gemeente_code").as_manager()

    class Meta:
        verbose_name = "thema"
        verbose_name_plural = "thema's"
        ordering = ["plan", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "key"], name="theme_unique_key")]

    def __str__(self) -> str:
        return self.name


class Goal(models.Model):
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="goals")
    key = models.SlugField("id", max_length=100)
    code = models.CharField("code", max_length=20, blank=True)
    name = models.CharField("naam", max_length=255)
    description = models.TextField("omschrijving", blank=True)
    criteria = models.TextField("criteria", blank=True)
    portfolio_holder = models.CharField("portefeuillehouder", max_length=255, blank=True)
    order = models.PositiveSmallIntegerField("volgorde", default=0)
    #: Set when the goal left the plan (file or web); its activities, money and texts stay.
    removed_at = models.DateTimeField("verwijderd op", null=True, blank=True)

    objects = gemeente_queryset("theme__plan__gemeente_code").as_manager()

    class Meta:
        verbose_name = "doel"
        verbose_name_plural = "doelen"
        ordering = ["theme", "order"]
        constraints = [models.UniqueConstraint(fields=["theme", "key"], name="goal_unique_key")]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """How the documents name the goal: its code, else its id."""
        return self.code or self.key

    @property
    def plan(self) -> Plan:
        return self.theme.plan


STATUS_CHOICES = [("", "–"), ("groen", "groen"), ("oranje", "oranje"), ("rood", "rood")]
#: The reporting moments of the P&C cycle at which activity statuses are reported.
MOMENTS = [
    ("voorjaarsnota", "voorjaarsnota"),
    ("najaarsnota", "najaarsnota"),
    ("jaarrekening", "jaarrekening"),
    ("tussentijds", "tussentijds"),
]


class Activity(models.Model):
    """An activity of a goal in one year (``1E``, ``1.7``); its statuses are a history."""

    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="activities")
    year = models.PositiveSmallIntegerField("jaar")
    code = models.CharField("code", max_length=20)
    name = models.CharField("activiteit", max_length=500)
    order = models.PositiveSmallIntegerField("volgorde", default=0)

    objects = gemeente_queryset("goal__theme__plan__gemeente_code").as_manager()

    class Meta:
        verbose_name = "activiteit"
        verbose_name_plural = "activiteiten"
        ordering = ["goal", "year", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["goal", "year", "code"], name="activity_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def current_status(self) -> ActivityStatus | None:
        return self.statuses.order_by("-recorded_at", "-pk").first()


class ActivityStatus(models.Model):
    """The I/P/F/R status of an activity at one reporting moment; never overwritten."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="statuses")
    moment = models.CharField("rapportagemoment", max_length=20, choices=MOMENTS)
    inhoud = models.CharField("inhoud", max_length=6, choices=STATUS_CHOICES, blank=True)
    planning = models.CharField("planning", max_length=6, choices=STATUS_CHOICES, blank=True)
    financien = models.CharField("financiën", max_length=6, choices=STATUS_CHOICES, blank=True)
    risico = models.CharField("risico's", max_length=6, choices=STATUS_CHOICES, blank=True)
    toelichting = models.TextField("toelichting", blank=True)
    recorded_at = models.DateTimeField("vastgelegd", auto_now_add=True)
    recorded_by = models.CharField("door", max_length=255, blank=True)

    class Meta:
        verbose_name = "status van een activiteit"
        verbose_name_plural = "statussen van activiteiten"
        ordering = ["activity", "-recorded_at", "-pk"]


class FinanceAmount(models.Model):
    """One amount of a goal's financial overview: a part (lasten, …) at a step (begroting, …).

    Whole euros, stored as integers; the overview is computed by ``policy.finance``."""

    PARTS = [
        ("lasten", "lasten"),
        ("baten", "baten"),
        ("toevoeging", "toevoeging aan reserves"),
        ("onttrekking", "onttrekking aan reserves"),
    ]
    STEPS = [
        ("begroting", "vastgestelde begroting"),
        ("mutaties_projecten", "mutaties projecten"),
        ("begrotingswijzigingen", "begrotingswijzigingen"),
        ("jaarrekening", "jaarrekening"),
    ]
    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="amounts")
    year = models.PositiveSmallIntegerField("jaar")
    part = models.CharField("onderdeel", max_length=12, choices=PARTS)
    step = models.CharField("stap", max_length=24, choices=STEPS)
    amount = models.BigIntegerField("bedrag (euro)")

    objects = gemeente_queryset("goal__theme__plan__gemeente_code").as_manager()

    class Meta:
        verbose_name = "bedrag"
        verbose_name_plural = "bedragen"
        constraints = [
            models.UniqueConstraint(
                fields=["goal", "year", "part", "step"], name="amount_unique_cell"
            )
        ]


class Credit(models.Model):
    """A (multi-year) investment credit of a goal as reported in one year."""

    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="credits")
    year = models.PositiveSmallIntegerField("jaar")
    project = models.CharField("project", max_length=255)
    omvang = models.BigIntegerField("omvang krediet t/m jaar")
    gerealiseerd_tm_vorig_jaar = models.BigIntegerField("gerealiseerd t/m vorig jaar")
    besteding = models.BigIntegerField("bestedingen dit jaar")

    objects = gemeente_queryset("goal__theme__plan__gemeente_code").as_manager()

    class Meta:
        verbose_name = "krediet"
        verbose_name_plural = "kredieten"
        ordering = ["goal", "year", "project"]
        constraints = [
            models.UniqueConstraint(fields=["goal", "year", "project"], name="credit_unique")
        ]

    @property
    def restant(self) -> int:
        return self.omvang - self.gerealiseerd_tm_vorig_jaar - self.besteding


class GoalYear(models.Model):
    """The texts of a goal in one year and the judgement "doel gehaald"."""

    JUDGEMENTS = [("", "nog niet beoordeeld"), ("ja", "ja"), ("nee", "nee"), ("deels", "deels")]
    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="years")
    year = models.PositiveSmallIntegerField("jaar")
    realisation = models.TextField("toelichting op realisatie", blank=True)
    variance_analysis = models.TextField("verschillenanalyse", blank=True)
    judgement = models.CharField("doel gehaald", max_length=5, choices=JUDGEMENTS, blank=True)
    judgement_note = models.TextField("toelichting doel gehaald", blank=True)
    #: What the indicator verdicts proposed when the judgement was confirmed (or overridden).
    proposed = models.CharField("voorstel", max_length=5, blank=True)

    objects = gemeente_queryset("goal__theme__plan__gemeente_code").as_manager()

    class Meta:
        verbose_name = "doel per jaar"
        verbose_name_plural = "doelen per jaar"
        constraints = [models.UniqueConstraint(fields=["goal", "year"], name="goalyear_unique")]

    @property
    def overridden(self) -> bool:
        return bool(self.judgement and self.proposed and self.judgement != self.proposed)


class Change(models.Model):
    """Who changed what and when, per object of a plan (viewable on the object's page)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="changes")
    #: ``plan``, ``doel``, ``indicator``, ``activiteit``, ``financien``, ``krediet``, ``tekst``
    kind = models.CharField("soort", max_length=20)
    object_key = models.CharField("object", max_length=120)
    description = models.CharField("wat", max_length=500)
    #: field -> [old, new]
    fields = models.JSONField("wijzigingen", default=dict, blank=True)
    at = models.DateTimeField("wanneer", auto_now_add=True, db_index=True)
    user_name = models.CharField("wie", max_length=255)

    class Meta:
        verbose_name = "wijziging"
        verbose_name_plural = "wijzigingen"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["plan", "kind", "object_key"])]
