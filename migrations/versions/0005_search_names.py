"""Search the public names in a narrow table of their own.

A substring search reads every matching row before sorting by name; the endorsements'
rows are wide, so at 100,000 organisations a common word read most of the table's pages.
``search_names`` holds one short row per public endorsement. Its trigram index replaces
the one migration 0004 put on the endorsements.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 01:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'search_names',
        sa.Column('endorsement_id', sa.Integer(), nullable=False),
        sa.Column('normalized_name', sa.String(length=200), nullable=False),
        sa.Column('category', sa.String(length=32), nullable=False),
        sa.Column('region', sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(['endorsement_id'], ['endorsements.id'],
                                name=op.f('fk_search_names_endorsement_id_endorsements'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('endorsement_id', name=op.f('pk_search_names')),
    )
    op.execute("INSERT INTO search_names (endorsement_id, normalized_name, category, region) "
               "SELECT id, normalized_name, category, region FROM endorsements "
               "WHERE state = 'approved'")
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        op.execute('DROP INDEX IF EXISTS ix_endorsements_public_name_trgm')
        if bind.scalar(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")):
            op.execute('CREATE INDEX ix_search_names_trgm ON search_names '
                       'USING gin (normalized_name gin_trgm_ops)')


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql' and bind.scalar(
            sa.text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")):
        op.execute("CREATE INDEX ix_endorsements_public_name_trgm ON endorsements "
                   "USING gin (normalized_name gin_trgm_ops) WHERE state = 'approved'")
    op.drop_table('search_names')
