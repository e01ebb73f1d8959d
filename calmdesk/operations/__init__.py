"""Operations: starting, running and keeping the product, as opposed to what it does for customers.

``stack`` starts and stops Rasa, the action server and the web app (``make run``, the end-to-end tests);
``production`` adds the production profile (PostgreSQL, Redis, RabbitMQ, nginx, replicas; docs/deploy.md);
``action_server`` launches rasa_sdk's server; ``broker_consumer`` keeps ``conversation_stats`` from Rasa's
events; ``flood`` holds the per-conversation and per-address limits; ``backup`` backs up and restores the
databases (``python -m calmdesk backup|restore``); ``training`` trains the Rasa model when its inputs changed.
"""
