"""Use cases: the only writers of the store.

Keyword-only functions taking a Session and an acting user.
"""
