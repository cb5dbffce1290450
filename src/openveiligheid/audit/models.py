"""The audit log: who did what, to which object, for what purpose, and when. Append-only.

One log for the platform (log-ins, imports, plan changes, roles and memberships) and, later,
for every look at or change of person-level data in the case registers. Rows are never changed
or removed through the application: ``save`` of an existing row, ``delete`` and the queryset's
``update``/``delete`` raise. In production, grant the database role of the application no
UPDATE or DELETE on ``audit_auditevent`` as well (docs/privacy.md).

Tampering outside the application (an edit in the database itself) is detected: every row
carries the SHA-256 of its own content and of the row before it (a hash chain,
``audit.services.verify_chain``, ``openveiligheid audit --controleer``). ADR 0012.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class AppendOnlyError(RuntimeError):
    pass


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Het auditlog kan niet worden gewijzigd.")

    def delete(self):
        raise AppendOnlyError("Uit het auditlog kan niets worden verwijderd.")


class AuditEvent(models.Model):
    LOGIN = "inloggen"
    LOGIN_FAILED = "inloggen mislukt"
    LOGOUT = "uitloggen"
    IMPORT = "import"
    PLAN = "plan ingelezen"
    ROLES = "rollen gewijzigd"
    MEMBERS = "leden gewijzigd"
    GEMEENTEN = "gemeenten gewijzigd"
    USER = "gebruiker bijgewerkt"
    SECOND_FACTOR_SET_UP = "tweede factor ingesteld"
    SECOND_FACTOR_OK = "tweede factor goed"
    SECOND_FACTOR_FAILED = "tweede factor fout"
    # The case registers (issue #10): every look at, search in, export of and change of
    # person-level data.
    CASE_VIEWED = "casus bekeken"
    CASE_CREATED = "casus aangemaakt"
    CASE_CHANGED = "casus gewijzigd"
    PERSON_VIEWED = "persoon bekeken"
    SEARCHED = "gezocht"
    EXPORTED = "geëxporteerd"
    REGISTER_IMPORTED = "register ingelezen"
    RETENTION = "bewaartermijn verwerkt"
    SUBJECT_ACCESS = "inzageverzoek"
    AUDIT_VIEWED = "auditlog bekeken"
    PLAN_CHANGED = "plan gewijzigd"
    REPORT_ADOPTED = "jaarverslag vastgesteld"
    ACTIONS = [LOGIN, LOGIN_FAILED, LOGOUT, IMPORT, PLAN, ROLES, MEMBERS, GEMEENTEN, USER,
               SECOND_FACTOR_SET_UP, SECOND_FACTOR_OK, SECOND_FACTOR_FAILED,
               CASE_VIEWED, CASE_CREATED, CASE_CHANGED, PERSON_VIEWED, SEARCHED, EXPORTED,
               REGISTER_IMPORTED, RETENTION, SUBJECT_ACCESS, AUDIT_VIEWED,
               PLAN_CHANGED, REPORT_ADOPTED]  # fmt: skip

    at = models.DateTimeField("wanneer", default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="gebruiker",
    )
    user_name = models.CharField("wie", max_length=255, db_index=True)
    action = models.CharField("actie", max_length=40, choices=[(a, a) for a in ACTIONS])
    object = models.CharField("object", max_length=500, blank=True)
    purpose = models.CharField("doel", max_length=255, blank=True)
    detail = models.JSONField("details", default=dict, blank=True)
    previous_hash = models.CharField("vorige hash", max_length=64, blank=True)
    hash = models.CharField("hash", max_length=64, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = "auditregel"
        verbose_name_plural = "auditlog"
        ordering = ["at", "pk"]
        permissions = [("bekijken", "Het auditlog inzien en exporteren (FG)")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.user_name} {self.action} {self.object}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Een auditregel kan niet worden gewijzigd.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Een auditregel kan niet worden verwijderd.")


class ChainCheck(models.Model):
    """A whole check of the hash chain that found it intact, up to and including row
    ``last_pk`` (whose hash was ``last_hash``). Not part of the chain itself: the FG's page
    checks only the rows after the newest one (and that row's hash), and says when the whole
    chain was last checked (``audit.services.verify_chain``)."""

    checked_at = models.DateTimeField("gecontroleerd op", default=timezone.now)
    rows = models.PositiveBigIntegerField("regels gecontroleerd")
    last_pk = models.PositiveBigIntegerField("tot en met regel")
    last_hash = models.CharField("hash van die regel", max_length=64)

    class Meta:
        verbose_name = "controle van de hashketen"
        verbose_name_plural = "controles van de hashketen"
        ordering = ["-checked_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.checked_at:%Y-%m-%d %H:%M}: {self.rows} regels in orde"
