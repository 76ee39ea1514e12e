"""users.email_notifications: a member may turn off e-mail about their suggestions

Revision ID: b7c1e2d3a4f5
Revises: b7d3e1a9c452
Create Date: 2026-12-01 10:50:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b7c1e2d3a4f5'
down_revision = 'b7d3e1a9c452'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_notifications', sa.Boolean(), server_default=sa.true(),
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('email_notifications')
