"""A trigram index for searching public names by any part, on PostgreSQL.

``pg_trgm`` ships with PostgreSQL and is a trusted extension (13+), so the database owner
may enable it. Where it cannot be enabled the search still works, by scanning; the
migration says so and goes on. SQLite has no such index: it scans.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 00:45:00

"""
import logging

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

log = logging.getLogger('alembic.runtime.migration')


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name != 'postgresql':
        return
    try:
        with bind.begin_nested():
            op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    except sa.exc.DBAPIError as exc:
        log.warning('pg_trgm is not available (%s); name searches will scan', exc.orig)
        return
    # Only public entries are searched, so only they are indexed.
    op.execute("CREATE INDEX ix_endorsements_public_name_trgm ON endorsements "
               "USING gin (normalized_name gin_trgm_ops) WHERE state = 'approved'")


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP INDEX IF EXISTS ix_endorsements_public_name_trgm')
