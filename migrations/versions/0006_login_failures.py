"""Failed sign-ins per address, in the database: a growing delay every worker sees.

They were counted by Flask-Limiter, per worker with its default memory storage, and by the
address as typed, so another spelling of it got fresh guesses.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 20:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'login_failures',
        sa.Column('address_key', sa.String(length=64), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('last_failed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('blocked_until', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('address_key', name=op.f('pk_login_failures')),
    )


def downgrade():
    op.drop_table('login_failures')
