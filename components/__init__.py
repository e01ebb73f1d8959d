"""Custom Rasa NLU components. They wrap models from calmdesk/ so the core stays free of Rasa."""
