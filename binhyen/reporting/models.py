"""Models of the reporting app: rollup facts (per-level cube)."""
