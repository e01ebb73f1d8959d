"""Staff: the people behind the bot, their console and the team's tools.

``accounts`` (staff accounts, passwords, sessions, who is online), ``console`` (the handoff queue,
claiming, notes, resolving), ``livechat`` (what staff say in a customer's chat window), ``staffing``
(support hours: can a person take a handoff now?), ``webhooks`` (the signed handoff webhook outbox),
``dashboard`` (the team lead's figures), ``story_export`` (a real conversation as a Rasa test story),
``audit`` (the append-only log of staff actions) and ``rasa_api`` (the calls staff tooling makes to Rasa).
"""
