"""The action server: rasa_sdk's own, started with a listen queue deep enough for a burst.

Why not ``python -m rasa_sdk``: it starts Sanic with its default listen
backlog of 100 connections. A turn's custom action does its database work in
the server's event loop, so while it is busy, new connections wait in the
kernel's queue; in the outage burst (``make bench``: 200 customers within 30
seconds) that queue overflowed, connections timed out, and nginx took a live
action server for a dead one (the customer heard the holding message). With a
deeper queue they wait a little longer instead. Everything else is rasa_sdk's:
the same arguments, app, logging and plugins.

Run: ``python -m calmdesk.operations.action_server --actions actions --port 5055``.
"""
from __future__ import annotations

import logging
import os

from rasa_sdk import utils
from rasa_sdk.constants import APPLICATION_ROOT_LOGGER_NAME
from rasa_sdk.endpoint import create_app, create_argument_parser
from rasa_sdk.plugin import plugin_manager

# Connections the kernel queues while the server is busy (the kernel caps it at net.core.somaxconn).
BACKLOG = 2048


def main(argv: list[str] | None = None) -> None:
    args = create_argument_parser().parse_args(argv)
    logging.getLogger("matplotlib").setLevel(logging.WARN)
    utils.configure_colored_logging(args.loglevel)
    utils.configure_file_logging(logging.getLogger(APPLICATION_ROOT_LOGGER_NAME), args.log_file, args.loglevel,
                                 args.logging_config_file)
    utils.update_sanic_log_level()
    app = create_app(args.actions, cors_origins=args.cors, auto_reload=args.auto_reload)
    plugin_manager().hook.attach_sanic_app_extensions(app=app)
    app.run(os.environ.get("SANIC_HOST", "0.0.0.0"), args.port, workers=utils.number_of_sanic_workers(),
            backlog=BACKLOG)


if __name__ == "__main__":
    main()
