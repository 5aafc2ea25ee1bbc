"""The top layer's data makers: `binhyen demo` and `binhyen load-demo` (the union tree, its
accounts, then each app's own demo module), and `binhyen generate-national` (a nation of
generated units, activities and groups for the benchmarks). Only this layer may drive every
app; each app's `demo.py` imports nothing above its own layer."""
