"""Land use cases: 腾笼换鸟 disposal candidates and cases (docs/land.md)."""
