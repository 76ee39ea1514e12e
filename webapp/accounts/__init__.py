"""Accounts: registration, login, profiles, avatars, roles, real-name verification."""


def init_app(app):
    from webapp.accounts import api, cli, views  # noqa: F401  (api registers its routes)
    from webapp.accounts.models import AccountAction
    from webapp.accounts.services import referenced_avatar_files, referenced_proofs
    from webapp.core import audit, demo, uploads

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.create_admin)
    audit.register_actions(AccountAction)
    demo.register_seeder(app, "accounts", cli.seed_demo_accounts)
    uploads.register_store(app, "avatars", referenced_avatar_files)
    uploads.register_store(app, "proofs", referenced_proofs)
