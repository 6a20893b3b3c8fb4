"""Count public endorsements by region and first letter too, not only by category.

The supporters page and the home page read these tallies instead of grouping all the
endorsements on every request.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 00:30:00

"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

LETTERS = "abcdefghijklmnopqrstuvwxyz"
REGIONS = ('antwerp', 'limburg', 'east_flanders', 'west_flanders', 'flemish_brabant',
           'brussels', 'walloon_brabant', 'hainaut', 'liege', 'luxembourg', 'namur', 'abroad')


def upgrade():
    tallies = op.create_table(
        'public_tallies',
        sa.Column('facet', sa.String(length=16), nullable=False),
        sa.Column('key', sa.String(length=32), nullable=False),
        sa.Column('organisations', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('facet', 'key', name=op.f('pk_public_tallies')),
    )
    bind = op.get_bind()
    # A row for every value from the start, so approvals only ever UPDATE (no insert races).
    found = {('region', region): 0 for region in REGIONS}
    found.update({('initial', letter): 0 for letter in LETTERS + '#'})
    for category, organisations in bind.execute(sa.text(
            "SELECT category, organisations FROM public_counts")):
        found[('category', category)] = organisations
    for region, letter, organisations in bind.execute(sa.text(
            "SELECT region, substr(normalized_name, 1, 1), count(*) FROM endorsements "
            "WHERE state = 'approved' GROUP BY region, substr(normalized_name, 1, 1)")):
        key = letter if letter and letter in LETTERS else '#'
        found[('region', region)] = found.get(('region', region), 0) + organisations
        found[('initial', key)] += organisations
    now = datetime.now(UTC)
    op.bulk_insert(tallies, [
        {'facet': facet, 'key': key, 'organisations': number, 'updated_at': now}
        for (facet, key), number in found.items()
    ])
    op.drop_table('public_counts')


def downgrade():
    counts = op.create_table(
        'public_counts',
        sa.Column('category', sa.String(length=32), nullable=False),
        sa.Column('organisations', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('category', name=op.f('pk_public_counts')),
    )
    rows = op.get_bind().execute(sa.text(
        "SELECT key, organisations, updated_at FROM public_tallies WHERE facet = 'category'"))
    op.bulk_insert(counts, [{'category': c, 'organisations': n, 'updated_at': u}
                            for c, n, u in rows])
    op.drop_table('public_tallies')
