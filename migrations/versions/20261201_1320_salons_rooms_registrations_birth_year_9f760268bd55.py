"""salons: rooms, salons, speakers, registrations, calendar feeds; users.birth_year (private)

Revision ID: 9f760268bd55
Revises: f0a1b2c3d4e5
Create Date: 2026-12-01 13:14:18.492294

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '9f760268bd55'
down_revision = 'f0a1b2c3d4e5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('salon_rooms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('address', sa.String(length=200), server_default='', nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_salon_rooms')),
    sa.UniqueConstraint('name', name=op.f('uq_salon_rooms_name'))
    )
    op.create_table('salon_calendar_feeds',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_salon_calendar_feeds_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_salon_calendar_feeds')),
    sa.UniqueConstraint('token', name=op.f('uq_salon_calendar_feeds_token'))
    )
    op.create_table('salons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('host_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('discipline', sa.String(length=32), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('format', sa.String(length=16), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=True),
    sa.Column('address', sa.String(length=200), server_default='', nullable=False),
    sa.Column('online_url', sa.String(length=500), server_default='', nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('requires_approval', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('registration_deadline', sa.DateTime(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('filed_at', sa.DateTime(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(), nullable=True),
    sa.Column('review_comment', sa.Text(), server_default='', nullable=False),
    sa.Column('registered_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('waiting_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('pending_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('checkin_code', sa.String(length=8), nullable=True),
    sa.Column('minutes', sa.Text(), server_default='', nullable=False),
    sa.Column('slides_key', sa.String(length=64), nullable=True),
    sa.Column('report_filed_at', sa.DateTime(), nullable=True),
    sa.Column('report_reminded_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['host_id'], ['users.id'], name=op.f('fk_salons_host_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['room_id'], ['salon_rooms.id'], name=op.f('fk_salons_room_id_salon_rooms'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_salons'))
    )
    with op.batch_alter_table('salons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_salons_host_id'), ['host_id'], unique=False)
        batch_op.create_index('ix_salons_room_id_starts_at', ['room_id', 'starts_at'], unique=False)
        batch_op.create_index('ix_salons_state_starts_at', ['state', 'starts_at'], unique=False)

    op.create_table('salon_registrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('salon_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('queued_at', sa.DateTime(), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.Column('attended', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('checked_in_at', sa.DateTime(), nullable=True),
    sa.Column('reminded_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['salon_id'], ['salons.id'], name=op.f('fk_salon_registrations_salon_id_salons'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_salon_registrations_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_salon_registrations')),
    sa.UniqueConstraint('salon_id', 'user_id', name='uq_salon_registrations_salon_id_user_id')
    )
    with op.batch_alter_table('salon_registrations', schema=None) as batch_op:
        batch_op.create_index('ix_salon_registrations_salon_id_status', ['salon_id', 'status', 'queued_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_salon_registrations_user_id'), ['user_id'], unique=False)

    op.create_table('salon_speakers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('salon_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('affiliation', sa.String(length=128), server_default='', nullable=False),
    sa.Column('position', sa.Integer(), server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['salon_id'], ['salons.id'], name=op.f('fk_salon_speakers_salon_id_salons'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_salon_speakers_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_salon_speakers'))
    )
    with op.batch_alter_table('salon_speakers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_salon_speakers_salon_id'), ['salon_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_salon_speakers_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('birth_year', sa.SmallInteger(), nullable=True))



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('birth_year')

    with op.batch_alter_table('salon_speakers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_salon_speakers_user_id'))
        batch_op.drop_index(batch_op.f('ix_salon_speakers_salon_id'))

    op.drop_table('salon_speakers')
    with op.batch_alter_table('salon_registrations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_salon_registrations_user_id'))
        batch_op.drop_index('ix_salon_registrations_salon_id_status')

    op.drop_table('salon_registrations')
    with op.batch_alter_table('salons', schema=None) as batch_op:
        batch_op.drop_index('ix_salons_state_starts_at')
        batch_op.drop_index('ix_salons_room_id_starts_at')
        batch_op.drop_index(batch_op.f('ix_salons_host_id'))

    op.drop_table('salons')
    op.drop_table('salon_calendar_feeds')
    op.drop_table('salon_rooms')
