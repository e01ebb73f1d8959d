"""Rasa-side stores for the production profile (loaded by Rasa from deploy/endpoints.production.yml)."""
