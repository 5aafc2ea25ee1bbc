"""Panels the apps above org add to the officer's home page (overdue cases, tips to answer…).

org sits below every app that owns records, so its home page cannot ask them for anything.
Instead an app registers a panel callable in its `AppConfig.ready()` (as Django's own apps
connect signal receivers there); the home view calls each with the request and renders what
they return, in registration order, those marked `first` above the units (a police liaison's
wards come before anything else they see).
"""

from dataclasses import dataclass, field

_panels = []


@dataclass
class Panel:
    """What a panel shows: `template` rendered with `panel` = `context`."""

    template: str
    context: dict = field(default_factory=dict)
    first: bool = False  # above the reader's units


def register(panel):
    """Add `panel(request) -> Panel | None` to the home page (once, whatever the number of
    calls: `ready()` may run twice in tests)."""
    if panel not in _panels:
        _panels.append(panel)


def panels(request):
    """The panels to show to the reader of `request`, each app's callable asked once."""
    shown = []
    for panel in _panels:
        result = panel(request)
        if result is not None:
            shown.append(result)
    return shown
