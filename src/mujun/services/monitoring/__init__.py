"""Monitoring in the store (docs/monitoring.md, "In the store"): the power department's monthly
readings (``readings``), each month's signals and the alerts they open and close (``alerts``),
the demo county's months (``demo``)."""
