"""leader profiles (分工) and the sender name of notifications from staff

Revision ID: b7d3e1a9c452
Revises: b7c3e1d2a9f4
Create Date: 2026-12-01 11:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b7d3e1a9c452'
down_revision = 'b7c3e1d2a9f4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('actor_name', sa.String(length=64), nullable=True))
    op.create_table('leader_profiles',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('responsibilities', sa.Text(), server_default='', nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_leader_profiles_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_leader_profiles'))
    )


def downgrade():
    op.drop_table('leader_profiles')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_column('actor_name')
