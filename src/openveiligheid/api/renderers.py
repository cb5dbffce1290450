"""CSV for spreadsheet and Power BI users: the page of results, one row per item, cells that a
spreadsheet would run as a formula neutralised (as the dashboard's downloads do)."""

from __future__ import annotations

from rest_framework_csv.renderers import PaginatedCSVRenderer

from openveiligheid.core.csvfiles import safe_text


class SafeCSVRenderer(PaginatedCSVRenderer):
    def render(self, data, media_type=None, renderer_context=None):
        context = renderer_context or {}
        rows = data.get(self.results_field, []) if isinstance(data, dict) else data
        view = context.get("view")
        if not rows and view is not None and hasattr(view, "get_serializer"):
            context = {**context, "header": list(view.get_serializer().fields)}  # header only
            return ",".join(context["header"]).encode() + b"\r\n"
        return super().render(data, media_type, context)

    def flatten_item(self, item):
        flat = super().flatten_item(item)
        return {
            key: safe_text(value) if isinstance(value, str) else value
            for key, value in flat.items()
        }
