"""Rasa input channels of calmdesk (referenced from credentials.yml by module path).

``channels.masked``: the REST and socket.io channels, masking card numbers and
passwords before Rasa stores, parses or logs a message.
"""
