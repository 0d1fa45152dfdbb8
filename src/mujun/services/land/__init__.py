"""Land use cases: parcels, 标准地 达产复核 in the store, disposal cases (docs/land.md)."""
