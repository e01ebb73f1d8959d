"""Running calmdesk over time: backups and restores (``python -m calmdesk backup|restore``)."""
