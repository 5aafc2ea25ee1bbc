"""API routes of the portal app."""

from ninja import Router

router = Router(tags=["portal"])
