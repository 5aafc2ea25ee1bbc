"""API routes of the reporting app (rollup)."""

from ninja import Router

router = Router(tags=["reporting"])
