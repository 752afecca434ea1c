"""Section builders: one module per section, `build(period, *, options) -> Section`."""
