"""Requests for a confirmation or manage link, answered by the mail sender, not the request.

A request for a link now records the same row whatever the address, so neither its answer
nor its timing says whether the address signed anything; the sender looks the address up
and deletes the row.

Revision ID: 0011
Revises: 0007
Create Date: 2026-12-01 21:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'link_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum('confirm', 'already_confirmed', 'rejected', 'invite', 'manage',
                                  name='mailkind', native_enum=False, length=32), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('language', sa.String(length=2), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_link_requests')),
    )


def downgrade():
    # Requests not yet answered are lost: at most a few seconds' worth, and asked again.
    op.drop_table('link_requests')
