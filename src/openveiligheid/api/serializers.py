"""What the API returns: the stored rows with Dutch-agnostic keys, numbers as numbers."""

from __future__ import annotations

from rest_framework import serializers

from openveiligheid.accounts.models import Gemeente
from openveiligheid.areas.models import Area
from openveiligheid.core.measures import kind_of
from openveiligheid.figures.models import Figure, Measure
from openveiligheid.indicators.models import Indicator
from openveiligheid.insight.models import HotspotResult, Signal
from openveiligheid.policy.models import Goal, Plan, Theme


class GemeenteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Gemeente
        fields = ["code", "name"]


class AreaSerializer(serializers.ModelSerializer):
    parent = serializers.CharField(source="parent.code", default=None, read_only=True)

    class Meta:
        model = Area
        fields = ["code", "name", "level", "division", "gemeente_code", "parent"]


class MeasureSerializer(serializers.ModelSerializer):
    unit = serializers.SerializerMethodField()

    class Meta:
        model = Measure
        fields = ["name", "label", "additive", "unit"]

    def get_unit(self, measure: Measure) -> str:
        """From the measure catalogue: ``aantal``, ``per 1.000 inwoners``, or empty."""
        kind = kind_of(measure.name)
        return kind.unit if kind else ""


class FigureSerializer(serializers.ModelSerializer):
    measure = serializers.CharField(source="measure.name")
    area = serializers.CharField(source="area.code")
    division = serializers.IntegerField(source="area.division")

    class Meta:
        model = Figure
        fields = ["measure", "area", "division", "period", "value", "status", "derived"]


class IndicatorSerializer(serializers.ModelSerializer):
    targets = serializers.SerializerMethodField()

    class Meta:
        model = Indicator
        fields = ["key", "name", "measures", "reported", "per_1000", "better", "decimals",
                  "comparison_area", "unit", "targets"]  # fmt: skip

    def get_targets(self, indicator: Indicator) -> dict[str, str]:
        return {str(t.year): f"{t.operator} {t.threshold:g}" for t in indicator.targets.all()}


class GoalSerializer(serializers.ModelSerializer):
    indicators = serializers.SlugRelatedField(many=True, read_only=True, slug_field="key")

    class Meta:
        model = Goal
        fields = ["key", "name", "criteria", "indicators"]


class ThemeSerializer(serializers.ModelSerializer):
    goals = GoalSerializer(many=True, read_only=True)

    class Meta:
        model = Theme
        fields = ["key", "name", "description", "goals"]


class PlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = Plan
        fields = ["id", "gemeente_code", "name", "period", "division", "loaded_at"]


class PlanDetailSerializer(PlanSerializer):
    themes = ThemeSerializer(many=True, read_only=True)
    indicators = IndicatorSerializer(many=True, read_only=True)

    class Meta(PlanSerializer.Meta):
        fields = [*PlanSerializer.Meta.fields, "description", "themes", "indicators"]


class IndicatorValueSerializer(serializers.Serializer):
    """An indicator evaluated by the engine: the same keys as ``openveiligheid evaluate``."""

    indicator = serializers.CharField()
    name = serializers.CharField()
    area = serializers.CharField()
    period = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    previous = serializers.FloatField(allow_null=True)
    change_pct = serializers.FloatField(allow_null=True)
    target = serializers.CharField(allow_null=True)
    verdict = serializers.CharField()
    comparison_area = serializers.CharField(allow_null=True)
    comparison_value = serializers.FloatField(allow_null=True)
    decimals = serializers.IntegerField()
    unit = serializers.CharField(allow_blank=True)
    better = serializers.CharField()
    trend = serializers.CharField(allow_null=True)
    status = serializers.CharField(allow_null=True)
    notes = serializers.ListField(child=serializers.CharField())


class AreaResultSerializer(serializers.ModelSerializer):
    """A stored analysis result of one measure in one area: the area by code, level, division."""

    measure = serializers.CharField(source="measure.name")
    area = serializers.CharField(source="area.code")
    level = serializers.CharField(source="area.level")
    division = serializers.IntegerField(source="area.division")


class HotspotSerializer(AreaResultSerializer):
    class Meta:
        model = HotspotResult
        fields = ["measure", "area", "level", "division", "period", "count", "population",
                  "rate", "smoothed_rate", "rate_lower", "rate_upper", "gi_z", "p_value",
                  "p_fdr", "p_norm", "hotspot_class", "confidence", "lisa_z", "lisa_p_fdr",
                  "lisa_class"]  # fmt: skip


class SignalSerializer(AreaResultSerializer):
    class Meta:
        model = Signal
        fields = ["measure", "area", "level", "division", "period", "observed", "year_before",
                  "expected", "threshold", "p_value", "p_adjusted", "alarm", "method", "since",
                  "unusual"]  # fmt: skip
