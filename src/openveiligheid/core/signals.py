"""Signals of the platform that apps higher up may act on, without ``core`` knowing them."""

from django.dispatch import Signal

#: Sent by ``openveiligheid serve`` and ``openveiligheid demo`` after the migrations, before
#: the server accepts requests: the moment to repair what a crash left behind (imports left
#: "running", analyses missing after an import).
server_starting = Signal()
