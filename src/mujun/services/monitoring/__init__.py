"""Monitoring in the store (docs/monitoring.md): monthly power readings, each month's signals and
the alerts (预警) they open for the town's officer."""
