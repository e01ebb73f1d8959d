"""``python -m calmdesk.desk.incidents``: the incident command line (calmdesk/desk/incidents/cli.py)."""
import sys

from calmdesk.desk.incidents.cli import main

sys.exit(main())
