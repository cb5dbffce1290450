"""BSNs are stored encrypted (Fernet: AES-128-CBC with HMAC-SHA256, from ``cryptography``), only
when the installation has a key (``OV_BSN_SLEUTEL``). Without a key no BSN is stored at all."""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken

from django.conf import settings


class BsnNotConfigured(RuntimeError):
    pass


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")


def bsn_enabled() -> bool:
    return bool(settings.BSN_KEY)


def _fernet() -> Fernet:
    if not settings.BSN_KEY:
        raise BsnNotConfigured(
            "Er is geen sleutel voor BSN's ingesteld (OV_BSN_SLEUTEL); "
            "BSN's worden niet opgeslagen."
        )
    return Fernet(settings.BSN_KEY.encode("ascii"))


def is_valid_bsn(bsn: str) -> bool:
    """Nine digits that pass the elfproef (weights 9..2 and -1)."""
    if len(bsn) != 9 or not bsn.isdigit():
        return False
    weights = [9, 8, 7, 6, 5, 4, 3, 2, -1]
    return sum(int(d) * w for d, w in zip(bsn, weights, strict=True)) % 11 == 0


def encrypt_bsn(bsn: str) -> str:
    return _fernet().encrypt(bsn.encode("ascii")).decode("ascii")


def decrypt_bsn(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("ascii")
    except InvalidToken:
        return "(niet te ontsleutelen met de huidige sleutel)"
