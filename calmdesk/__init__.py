"""calmdesk: the plain-Python core of the de-escalation assistant. Nothing here imports Rasa:
the custom actions in ``actions/`` translate between a Rasa tracker and these functions.

A map, by concern:
- ``understanding/``: reading a message (sentence encoder, anger, category words, order numbers);
  ``conversation/``: what a turn means and what to do (signals, plan, main problem, reflecting it back);
  ``taxonomy.py``: the fixed vocabularies (categories, anger levels, priorities, statuses);
- ``desk/``: tickets, incidents, remedies, details, triage, feedback, references, holding;
- ``staff/``: accounts, console, live chat, staffing, webhooks, dashboard, story export, audit, rasa_api;
- ``mail/`` (email to customers), ``subjects/`` (one customer's data), ``web/`` (the Starlette app);
- ``operations/``: stack, production, action server, broker consumer, flood limits, backup, training
  (train when stale); ``__main__.py`` (``python -m calmdesk``);
- storage: ``models/`` (the tables), ``db.py`` (engines, migrations); ``privacy.py`` (masking secrets);
- ``checks/`` and ``bench/``: drive and measure the running product.
"""
