"""API routes of the groups app."""

from ninja import Router

router = Router(tags=["groups"])
