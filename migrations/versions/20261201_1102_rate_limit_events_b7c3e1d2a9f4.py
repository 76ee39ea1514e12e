"""rate limit events: the database store of the sliding-window throttles (no Redis)

Revision ID: b7c3e1d2a9f4
Revises: b7e2c41d9a35
Create Date: 2026-12-01 11:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b7c3e1d2a9f4'
down_revision = 'b7e2c41d9a35'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('rate_limit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('member', sa.String(length=32), nullable=False),
    sa.Column('at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rate_limit_events'))
    )
    with op.batch_alter_table('rate_limit_events', schema=None) as batch_op:
        batch_op.create_index('ix_rate_limit_events_key_at', ['key', 'at'], unique=False)


def downgrade():
    with op.batch_alter_table('rate_limit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_rate_limit_events_key_at')
    op.drop_table('rate_limit_events')
