"""The county's data store: settings, engine/session, models and migrations."""
