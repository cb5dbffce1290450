"""The API's permission: the same as the pages' (``dashboard.bekijken``); rows are limited to
the user's gemeenten by ``accounts.access`` in every view's queryset."""

from __future__ import annotations

from rest_framework.permissions import BasePermission

from openveiligheid.accounts.access import VIEW_DASHBOARD, may


class MayViewDashboard(BasePermission):
    message = "U heeft geen toegang: uw account heeft de rol niet die het dashboard mag bekijken."

    def has_permission(self, request, view) -> bool:
        return may(request.user, VIEW_DASHBOARD)
