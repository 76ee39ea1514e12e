"""Issue 10, finding 17: no orphan files after a crash.

Uploads are written under a staging name (`<name>.part`) and moved into place only after
the commit, removed on rollback; a process killed in between leaves only a staging file.
`flask uploads sweep` removes stored files no row names once they are an hour old (and stale
staging files), and leaves fresh files and those a row names alone. Serving does not break
in the moment between the commit and the move.
"""
import io
import os
import time
from pathlib import Path

import pytest
from PIL import Image

from tests.pdf_samples import valid_pdf
from webapp.core.uow import unit_of_work

HOUR = 3600


def png():
    buf = io.BytesIO()
    Image.new("RGB", (30, 20), (200, 30, 30)).save(buf, "PNG")
    return buf.getvalue()


def folder(app, kind):
    path = Path(app.config["UPLOAD_DIR"]) / kind
    path.mkdir(parents=True, exist_ok=True)
    return path


def names(path):
    return sorted(p.name for p in path.iterdir())


def submit(author, categories, attachments):
    from webapp.suggestions import services

    return services.submit(author, "关于暂存上传文件的测试建议", "正文足够长，用来测试附件先暂存、提交后才落位。",
                           categories[0].id, attachments=attachments)


def age(path, seconds):
    then = time.time() - seconds
    os.utime(path, (then, then))


# ---------------------------------------------------------------- staging

def test_files_are_staged_until_the_commit(app, db, make_member, suggestion_lists):
    author = make_member("stage_author")
    attachments = folder(app, "suggestions")
    with unit_of_work():
        s = submit(author, suggestion_lists["categories"], [(io.BytesIO(png()), "图.png"),
                                                            (io.BytesIO(valid_pdf()), "材料.pdf")])
        keys = sorted(a.storage_key for a in s.attachments)
        # Before the commit (a worker killed here leaves these only): staging names.
        assert names(attachments) == [k + ".part" for k in keys]
    assert names(attachments) == keys


def test_a_rolled_back_action_leaves_no_file(app, db, make_member, suggestion_lists):
    author = make_member("stage_rollback")
    with pytest.raises(RuntimeError), unit_of_work():
        submit(author, suggestion_lists["categories"], [(io.BytesIO(png()), "图.png")])
        raise RuntimeError("the action fails after the files were written")
    assert names(folder(app, "suggestions")) == []


def test_avatar_and_proof_are_staged_too(app, db, make_member):
    from webapp.accounts import services

    user = make_member("stage_avatar")
    with unit_of_work():
        services.set_avatar(user, io.BytesIO(png()))
        req = services.apply_for_verification(user, "张三", "某研究所", "研究员", io.BytesIO(valid_pdf()))
        assert all(n.endswith(".part") for n in names(folder(app, "avatars")))
        assert names(folder(app, "proofs")) == [req.proof_key + ".part"]
    assert names(folder(app, "avatars")) == sorted(f"{user.avatar_key}-{size}.webp" for size in ("large", "small"))
    assert names(folder(app, "proofs")) == [req.proof_key]


def test_serving_holds_between_the_commit_and_the_move(app, db, client, make_member, suggestion_lists, login):
    """After the commit, before the file is moved into place, a reader already sees the row:
    the staging file is served."""
    author = make_member("stage_reader")
    s = submit(author, suggestion_lists["categories"], [(io.BytesIO(png()), "图.png")])
    db.session.commit()
    [attachment] = s.attachments
    path = folder(app, "suggestions") / attachment.storage_key
    os.replace(path, path.with_name(path.name + ".part"))  # the moment before the move
    login(client, "stage_reader")
    resp = client.get(f"/suggestions/{s.id}/attachments/{attachment.id}")
    assert resp.status_code == 200 and resp.mimetype == "image/png"
    assert resp.headers["Content-Disposition"].startswith("inline; filename=")
    assert ".part" not in resp.headers["Content-Disposition"]


# ---------------------------------------------------------------- flask uploads sweep

def sweep(app, *args):
    result = app.test_cli_runner().invoke(args=["uploads", "sweep", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_sweep_removes_only_old_files_without_a_row(app, db, make_member, suggestion_lists):
    from webapp.accounts import services

    author = make_member("sweep_author")
    s = submit(author, suggestion_lists["categories"], [(io.BytesIO(png()), "图.png")])
    services.set_avatar(author, io.BytesIO(png()))
    req = services.apply_for_verification(author, "张三", "某研究所", "研究员", io.BytesIO(valid_pdf()))
    db.session.commit()
    attachments, avatars, proofs = folder(app, "suggestions"), folder(app, "avatars"), folder(app, "proofs")
    with_row = [attachments / s.attachments[0].storage_key, proofs / req.proof_key,
                *(avatars / f"{author.avatar_key}-{size}.webp" for size in ("large", "small"))]
    orphans = [attachments / "0123456789abcdef0123456789abcdef.png",  # a worker died after writing
               proofs / "fedcba9876543210fedcba9876543210.pdf",
               avatars / "00000000000000000000000000000000-large.webp"]
    stale_staging = attachments / "11111111111111111111111111111111.pdf.part"
    fresh_orphan = attachments / "22222222222222222222222222222222.png"
    fresh_staging = attachments / "33333333333333333333333333333333.png.part"  # an action under way
    for path in [*orphans, stale_staging, fresh_orphan, fresh_staging]:
        path.write_bytes(b"left over")
    for path in [*with_row, *orphans, stale_staging]:
        age(path, 2 * HOUR)
    age(fresh_orphan, HOUR - 60)

    output = sweep(app)

    for path in [*orphans, stale_staging]:
        assert not path.exists() and f"removed {path}" in output
    for path in [*with_row, fresh_orphan, fresh_staging]:
        assert path.exists() and str(path) not in output
    assert "Removed 4 files." in output
    assert "Removed 0 files." in sweep(app)  # nothing left to do


def test_sweep_completes_a_move_the_crash_interrupted(app, db, make_member, suggestion_lists):
    """Killed between the commit and the move: the row exists, the file is still staged."""
    author = make_member("sweep_move")
    s = submit(author, suggestion_lists["categories"], [(io.BytesIO(png()), "图.png")])
    db.session.commit()
    path = folder(app, "suggestions") / s.attachments[0].storage_key
    staged = path.with_name(path.name + ".part")
    os.replace(path, staged)
    age(staged, 2 * HOUR)
    output = sweep(app)
    assert path.exists() and not staged.exists()
    assert f"completed {path}" in output


def test_sweep_leaves_undeclared_folders_alone(app, db):
    stranger = folder(app, "somebody-elses") / "file.bin"
    stranger.write_bytes(b"x")
    age(stranger, 10 * HOUR)
    sweep(app)
    assert stranger.exists()
