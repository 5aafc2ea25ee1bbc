"""Signals the figures send: `facts_rebuilt` after a cube was recomputed wholesale (raw SQL, so
no model signal fires); whoever caches figures (the portal) forgets them on it."""

from django.dispatch import Signal

facts_rebuilt = Signal()
