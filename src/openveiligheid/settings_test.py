"""Test settings: the normal settings, with the demo key allowed and fast password hashing."""

import os

os.environ.setdefault("OV_DEMO", "true")

from openveiligheid.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Tests run the analyses where they test them (insight tests, the demo), not after every import.
ANALYSE_AFTER_IMPORT = False
