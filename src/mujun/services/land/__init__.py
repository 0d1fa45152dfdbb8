"""Land use cases: 腾笼换鸟 disposal candidates and cases, 标准地 达产复核 in the store
(docs/land.md)."""
