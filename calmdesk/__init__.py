"""calmdesk: the plain-Python core of the de-escalation assistant.

Tickets, customers, remedies, anger and storage live here. Nothing in this
package imports Rasa: the custom actions in ``actions/`` translate between a
Rasa tracker and these functions, so the core can be tested on its own.
"""
