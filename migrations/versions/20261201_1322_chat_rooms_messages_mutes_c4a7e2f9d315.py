"""chat: rooms, messages, read markers and mutes (webapp.chat)

Revision ID: c4a7e2f9d315
Revises: 9f760268bd55
Create Date: 2026-12-01 13:17:08.431670

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c4a7e2f9d315'
down_revision = '9f760268bd55'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('chat_rooms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_message_id', sa.Integer(), nullable=True),
    sa.Column('last_message_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chat_rooms')),
    sa.UniqueConstraint('key', name=op.f('uq_chat_rooms_key'))
    )
    op.create_table('chat_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('deleted_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_chat_messages_author_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['deleted_by_id'], ['users.id'], name=op.f('fk_chat_messages_deleted_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['room_id'], ['chat_rooms.id'], name=op.f('fk_chat_messages_room_id_chat_rooms'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chat_messages'))
    )
    with op.batch_alter_table('chat_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chat_messages_author_id'), ['author_id'], unique=False)
        batch_op.create_index('ix_chat_messages_room_id_id', ['room_id', 'id'], unique=False)

    op.create_table('chat_mutes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('until', sa.DateTime(), nullable=False),
    sa.Column('reason', sa.String(length=200), server_default='', nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('lifted_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_chat_mutes_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['room_id'], ['chat_rooms.id'], name=op.f('fk_chat_mutes_room_id_chat_rooms'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_chat_mutes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chat_mutes'))
    )
    with op.batch_alter_table('chat_mutes', schema=None) as batch_op:
        batch_op.create_index('ix_chat_mutes_room_id_user_id', ['room_id', 'user_id'], unique=False)

    op.create_table('chat_read_markers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=False),
    sa.Column('last_read_id', sa.Integer(), server_default='0', nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['room_id'], ['chat_rooms.id'], name=op.f('fk_chat_read_markers_room_id_chat_rooms'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_chat_read_markers_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chat_read_markers')),
    sa.UniqueConstraint('user_id', 'room_id', name='uq_chat_read_markers_user_room')
    )
    with op.batch_alter_table('chat_read_markers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chat_read_markers_room_id'), ['room_id'], unique=False)



def downgrade():
    with op.batch_alter_table('chat_read_markers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chat_read_markers_room_id'))

    op.drop_table('chat_read_markers')
    with op.batch_alter_table('chat_mutes', schema=None) as batch_op:
        batch_op.drop_index('ix_chat_mutes_room_id_user_id')

    op.drop_table('chat_mutes')
    with op.batch_alter_table('chat_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_chat_messages_room_id_id')
        batch_op.drop_index(batch_op.f('ix_chat_messages_author_id'))

    op.drop_table('chat_messages')
    op.drop_table('chat_rooms')
