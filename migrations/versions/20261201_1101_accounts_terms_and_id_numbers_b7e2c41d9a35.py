"""accounts: terms acceptance; resident ID numbers re-masked, old fast hashes dropped

Revision ID: b7e2c41d9a35
Revises: 6b1f0c2d9e4a
Create Date: 2026-12-01 11:00:00

- users.terms_accepted_at: when the user accepted 用户协议 and 隐私政策 at sign-up. Existing
  accounts get NULL (they registered before acceptance was asked).
- verification_requests: stored ID numbers were masked as first 6 + last 4 characters and
  hashed with HMAC-SHA256 under ID_HASH_KEY (or SECRET_KEY). The number itself was never
  stored, so the new scrypt hash under IDNUMBER_KEY cannot be computed for old rows:
    * id_number_masked is cut down to the new form (first and last character) — derivable
      from the old mask, so nothing is lost for staff;
    * id_number_hash is set to NULL: the fast hash was the weakness (guessable for anyone
      holding the key), and it would never match a new scrypt hash anyway. Consequence: a
      number verified before this migration is not recognised when a second account applies
      with it; a holder who applies again stores the new hash.
  The downgrade cannot bring the old mask or hash back; it only drops the new column.
"""
import sqlalchemy as sa
from alembic import op

revision = 'b7e2c41d9a35'
down_revision = '6b1f0c2d9e4a'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('terms_accepted_at', sa.DateTime(), nullable=True))

    requests = sa.table('verification_requests', sa.column('id', sa.Integer), sa.column('id_number_masked', sa.String),
                        sa.column('id_number_hash', sa.String))
    conn = op.get_bind()
    rows = conn.execute(sa.select(requests.c.id, requests.c.id_number_masked)
                        .where(requests.c.id_number_masked.isnot(None))).all()
    for row_id, masked in rows:
        masked = masked or ""
        new = masked[:1] + "*" * (len(masked) - 2) + masked[-1:] if len(masked) >= 2 else masked
        conn.execute(requests.update().where(requests.c.id == row_id).values(id_number_masked=new))
    conn.execute(requests.update().values(id_number_hash=None))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('terms_accepted_at')
