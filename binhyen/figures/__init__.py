"""The figures protocol: how an indicator is declared, the registry the apps register theirs
into, and the cube library the apps build their cubes with.

It sits above org and below every app that records something: it knows the tree, never an
app. An app that counts something (activities, groups, …) owns its records, its cube table
and the upkeep of that cube, and in its `AppConfig.ready()` registers

- its indicators (`registry.register(Indicator(...))`), each naming the `Source` that answers
  it from the cube and from the raw records (`binhyen.figures.registry.Source`);
- the dimensions its indicators filter on (`registry.Reference`);
- its cube (`registry.register_cube(Cube(...))`), so that rebuilding and verifying every
  figure (`binhyen rebuild-facts`, `binhyen verify-facts`, the rebuild page) reaches it.

The rollup engine (binhyen.reporting.rollup) then answers any registered indicator for any
unit, period and breakdown without knowing which app it came from.
"""
