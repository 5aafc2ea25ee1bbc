"""What the tree announces to the apps above it, inside the transaction that changed it.

Receivers run in that same transaction (Django signals are synchronous), so an app's derived
tables (its cube) follow the tree atomically: if a receiver fails, the change is undone. The
apps connect in their `AppConfig.ready()`; org knows none of them.

- `unit_moved(unit, old_parent)`: `unit` (refreshed: its new path and depth) and its subtree
  now hang under its new parent; `old_parent` is where it was.
- `unit_kind_changed(unit, was_grassroots)`: a unit became a grassroots union or stopped being
  one (cubes keep no row of their own for a grassroots union).
"""

from django.dispatch import Signal

unit_moved = Signal()
unit_kind_changed = Signal()
