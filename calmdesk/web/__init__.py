"""The calmdesk web app: the staff API (and, later, the customer chat page).

Run it with ``uvicorn --factory calmdesk.web.app:create_app`` after
``python -m calmdesk.db upgrade``; it needs ``SUPPORT_API_TOKEN`` set.
"""
