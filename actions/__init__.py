"""Custom actions: thin translators between a Rasa tracker and the calmdesk core.

Each module holds the actions of one part of the conversation (the complaint,
remedies, handoff). Business logic lives in ``calmdesk``; an action reads the
tracker, calls the core, says something and returns events.
"""
