import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from pg import db_url, pg_server  # noqa: E402, F401  (PostgreSQL server and the two-backend URL fixture)
