"""The OpenAPI schema (drf-spectacular), with the error answers every operation can give."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema

ERROR_BODY = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": True,
}
ERRORS = {
    "400": "Ongeldige parameter (de melding noemt welke)",
    "401": "Niet ingelogd: geen of een ongeldige sleutel (Authorization: Token …)",
    "403": "Geen toegang: de rol van de gebruiker mag dit niet zien",
    "404": "Niet gevonden, niet van de gemeenten van de gebruiker, of voorbij de laatste pagina",
}


class ApiSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, description in ERRORS.items():
            responses.setdefault(
                code,
                {
                    "description": description,
                    "content": {"application/json": {"schema": ERROR_BODY}},
                },
            )
        return responses
