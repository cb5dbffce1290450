"""Browser tests drive Debian's chromium through Playwright's sync API.

That API runs an asyncio event loop in the test thread, which makes Django refuse database
access from it ("You cannot call this from an async context"); the test thread is still
synchronous, so allow it.
"""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
