"""The county's targets (targets.md) from the store: the service gathers each year's frozen inputs
and the programme records, ``mujun.engine.targets`` computes, and the command, the API, the targets
page and the cockpit all show what :func:`report.targets` returns (docs/targets.md)."""
