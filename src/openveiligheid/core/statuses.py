"""The status of a figure: ``definitief`` (final) or ``voorlopig`` (provisional).

Neutral words shared by the parsers, the stored figures, the derived sums and the engine; they
live here so that none of those has to import another for them (docs/architecture.md, rule 6).
"""

from __future__ import annotations

DEFINITIEF = "definitief"
VOORLOPIG = "voorlopig"
STATUSES = (DEFINITIEF, VOORLOPIG)
