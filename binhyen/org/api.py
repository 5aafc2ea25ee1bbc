"""API routes of the org app (me, units, areas)."""

from ninja import Router

router = Router(tags=["org"])
