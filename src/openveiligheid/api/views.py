"""The read API: the same data and permissions as the pages, as JSON or CSV.

Every view: log-in by token (``Authorization: Token …``) or session, the permission
``dashboard.bekijken``, and rows only of the user's gemeenten (``accounts.access``). Shared
reference figures of the Netherlands (``NL01``) are included with the figures.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from django.db.models import QuerySet
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control

from openveiligheid.accounts.access import visible_gemeenten
from openveiligheid.api import serializers
from openveiligheid.areas.models import Area
from openveiligheid.figures.models import Figure, Measure
from openveiligheid.indicators.services import evaluate_plan
from openveiligheid.insight.models import HotspotResult, Signal
from openveiligheid.policy.models import Plan

#: A year or a CBS division, as the schema states it and ``ReadOnly.number`` checks it.
YEAR = {"type": "integer", "minimum": 1900, "maximum": 2999}
#: Any text filter: no NUL character (refused by ``core.middleware.NulCharacterMiddleware``).
TEXT = {"type": "string", "pattern": "^[^\\u0000]*$", "maxLength": 200}


class Pages(PageNumberPagination):
    page_size = 1000
    page_query_param = "pagina"
    page_size_query_param = "per_pagina"
    max_page_size = 10000

    def get_page_number(self, request, paginator):
        text = request.query_params.get(self.page_query_param)
        if text is not None and not (text.isdigit() and int(text) >= 1):
            raise ValidationError({self.page_query_param: "Geef een paginanummer vanaf 1."})
        return super().get_page_number(request, paginator)

    def get_page_size(self, request):
        text = request.query_params.get(self.page_size_query_param)
        if text is not None and not (text.isdigit() and 1 <= int(text) <= self.max_page_size):
            raise ValidationError(
                {self.page_size_query_param: f"Geef een aantal van 1 tot {self.max_page_size}."}
            )
        return super().get_page_size(request)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
        return parameters


def _parameter(name: str, description: str, kind=TEXT) -> OpenApiParameter:
    return OpenApiParameter(name, kind, OpenApiParameter.QUERY, description=description)


class ReadOnly(viewsets.ReadOnlyModelViewSet):
    pagination_class = Pages
    lookup_value_regex = "[0-9]+"

    def finalize_response(self, request, response, *args, **kwargs):
        if response.status_code >= 400:  # errors always as JSON, also when CSV was asked for
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_cache_control(response, private=True, no_store=True)
        return response

    def number(self, name: str) -> int | None:
        """A year parameter (``jaar``, ``indeling``): absent, or a year from 1900 to 2999."""
        text = self.request.query_params.get(name)
        if text is None:
            return None
        if not (text.isdigit() and YEAR["minimum"] <= int(text) <= YEAR["maximum"]):
            raise ValidationError({name: f"'{text}' is geen jaartal (1900 tot 2999)."})
        return int(text)

    def filtered(self, rows: QuerySet, **lookups: str) -> QuerySet:
        """Apply ``?parameter=`` filters: parameter name → field lookup."""
        for parameter, lookup in lookups.items():
            value = self.request.query_params.get(parameter)
            if value and len(value) > TEXT["maxLength"]:
                raise ValidationError(
                    {parameter: f"Te lang: hoogstens {TEXT['maxLength']} tekens."}
                )
            if value:
                rows = rows.filter(**{lookup: value})
        return rows


class GemeenteViewSet(ReadOnly):
    """The gemeenten whose plans and figures you may see."""

    serializer_class = serializers.GemeenteSerializer
    lookup_field = "code"
    lookup_value_regex = "GM[0-9]{4}"

    def get_queryset(self):
        return visible_gemeenten(self.request.user).order_by("code")


def not_found(request, *args, **kwargs) -> JsonResponse:
    """Any other path under the API: a JSON 404, never the HTML page."""
    return JsonResponse({"detail": "Niet gevonden."}, status=404)


@extend_schema(
    parameters=[
        _parameter("gemeente", "CBS-code van de gemeente, bijv. GM0014"),
        _parameter("niveau", "gemeente, wijk of buurt"),
        _parameter("indeling", "gebiedsindeling (jaar)", YEAR),
    ]
)
class AreaViewSet(ReadOnly):
    """Gemeenten, wijken and buurten of your gemeenten, per CBS division."""

    serializer_class = serializers.AreaSerializer

    def get_queryset(self):
        rows = Area.objects.visible_to(self.request.user).select_related("parent")
        rows = self.filtered(rows, gemeente="gemeente_code", niveau="level")
        division = self.number("indeling")
        if division is not None:
            rows = rows.filter(division=division)
        return rows.order_by("division", "code")


class MeasureViewSet(ReadOnly):
    """Every measure that has figures: name, Dutch label, additive, unit."""

    serializer_class = serializers.MeasureSerializer
    lookup_field = "name"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return Measure.objects.order_by("name")


def _area_filters() -> list[OpenApiParameter]:
    return [
        _parameter("maat", "naam van de maat, bijv. misdrijven:0.0.0"),
        _parameter("gebied", "CBS-code van het gebied"),
        _parameter("gemeente", "CBS-code van de gemeente"),
        _parameter("niveau", "gemeente, wijk of buurt"),
        _parameter("periode", "jaar (2023) of maand (2023-08)"),
        _parameter("indeling", "gebiedsindeling (jaar)", YEAR),
    ]


class AreaRows(ReadOnly):
    """Rows that belong to an area: only areas of your gemeenten (and the Netherlands)."""

    model: type

    def get_queryset(self):
        rows = self.model.objects.visible_to(self.request.user)
        rows = self.filtered(
            rows.select_related("measure", "area"),
            maat="measure__name",
            gebied="area__code",
            gemeente="area__gemeente_code",
            niveau="area__level",
            periode="period",
        )
        division = self.number("indeling")
        if division is not None:
            rows = rows.filter(area__division=division)
        return rows.order_by("measure__name", "area__division", "area__code", "period", "pk")


@extend_schema(parameters=_area_filters())
class FigureViewSet(AreaRows):
    """Figures: one value of one measure for one area and period (stored and derived)."""

    model = Figure
    serializer_class = serializers.FigureSerializer


@extend_schema(parameters=_area_filters())
class HotspotViewSet(AreaRows):
    """Hot- and coldspots (Gi*) with their EB-smoothed rates, as the Kaart shows them."""

    model = HotspotResult
    serializer_class = serializers.HotspotSerializer


@extend_schema(parameters=_area_filters())
class SignalViewSet(AreaRows):
    """Signals (early warning) per area and period, as the Monitor shows them."""

    model = Signal
    serializer_class = serializers.SignalSerializer


class PlanViewSet(ReadOnly):
    """Your gemeenten's plans: themes, goals, indicators and their targets."""

    def get_queryset(self):
        plans = Plan.objects.visible_to(self.request.user).order_by("gemeente_code", "-loaded_at")
        return plans.prefetch_related("themes__goals__indicators", "indicators__targets")

    def get_serializer_class(self):
        if self.action == "list":
            return serializers.PlanSerializer
        return serializers.PlanDetailSerializer

    @extend_schema(
        parameters=[
            _parameter("jaar", "peiljaar; standaard per indicator het nieuwste jaar", YEAR)
        ],
        responses=serializers.IndicatorValueSerializer(many=True),
    )
    @action(detail=True, methods=["get"], url_path="indicatoren", pagination_class=None)
    def indicator_values(self, request: Request, pk: str | None = None) -> Response:
        """Every indicator of the plan evaluated by the engine: value, target, verdict."""
        plan = get_object_or_404(self.get_queryset(), pk=pk)
        cards = evaluate_plan(plan, self.number("jaar"))
        rows = [card.result.as_dict() for card in cards]
        return Response(serializers.IndicatorValueSerializer(rows, many=True).data)
