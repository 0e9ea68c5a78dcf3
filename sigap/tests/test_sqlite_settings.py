import subprocess
import sys

from django.conf import settings


def test_the_embedded_sqlite_database_runs_in_wal_mode_with_immediate_transactions(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "SIGAP_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "SIGAP_VAR_DIR": str(tmp_path),
    }
    code = (
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])\n"
        "    c.execute('PRAGMA foreign_keys'); print(c.fetchone()[0])\n"
        "print(connection.settings_dict['OPTIONS']['transaction_mode'])\n"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert result.stdout.split() == ["wal", "1", "IMMEDIATE"]
