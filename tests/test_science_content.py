"""`flask content import`, the map's GeoJSON (valid, filtered), the article API and
recommendations on a fixture."""
import pytest

from tests.science_helpers import SAMPLE, science  # noqa: F401  (the fixture)


@pytest.fixture
def imported(science, app):
    from webapp.extensions import db
    from webapp.science import importer

    report = importer.import_dir(SAMPLE)
    db.session.commit()
    return report


def test_import_reports_each_bad_file_with_reason_and_line_and_imports_the_good(imported):
    from webapp.science.models import Article, ScienceBase, Video

    assert imported.created == {"articles": 1, "bases": 3, "videos": 1}
    errors = {(path.rsplit("/", 1)[1], line): reason for path, line, reason in imported.errors}
    assert len(errors) == 3
    broken = next((line, r) for (name, line), r in errors.items() if name == "broken.md")
    assert broken[0] == 4 and "YAML" in broken[1]  # the unclosed [ of `tags:` on line 4
    swapped = next((line, r) for (name, line), r in errors.items() if name == "bases.geojson")
    assert swapped[0] == 12 and "写反" in swapped[1]
    missing = next((line, r) for (name, line), r in errors.items() if name == "videos.yaml")
    assert missing[0] == 12 and "nothing.webm" in missing[1]
    article = Article.query.filter_by(slug="black-holes").one()
    assert article.state == "published" and article.featured and article.cover_key
    assert [t.name for t in article.tags] == ["天文", "黑洞"]
    assert ScienceBase.query.count() == 3 and Video.query.one().transcript.startswith("测试图")


def test_import_twice_adds_nothing(imported):
    from webapp.science import importer
    from webapp.science.models import Article, ScienceBase

    again = importer.import_dir(SAMPLE)
    assert again.created == {"articles": 0, "bases": 0, "videos": 0} and again.skipped == 5
    assert Article.query.count() == 1 and ScienceBase.query.count() == 3


def test_cli_import_shows_progress_and_errors(app, science):
    result = app.test_cli_runner().invoke(args=["content", "import", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    assert "Imported 1 articles, 3 bases, 1 videos" in result.output
    assert "broken.md:4" in result.output


def test_article_page_renders_cover_and_formula_source(imported, client):
    from webapp.science.models import Article

    article = Article.query.filter_by(slug="black-holes").one()
    page = client.get(f"/science/articles/{article.id}").get_data(as_text=True)
    assert "<picture>" in page and 'type="image/webp"' in page and "/large.jpg" in page
    assert "r_s" in page
    assert article.read_count == 1


# ---------------------------------------------------------------- the map

def test_bases_geojson_is_valid_and_lon_lat(imported, client):
    body = client.get("/api/v1/map/bases").get_json()
    assert body["type"] == "FeatureCollection" and len(body["features"]) == 3
    for feature in body["features"]:
        assert feature["type"] == "Feature" and feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]
        assert 73 < lon < 136 and 18 < lat < 54  # [lon, lat], in China
    museum = next(f for f in body["features"] if f["properties"]["name"] == "中国科学技术馆")
    assert museum["geometry"]["coordinates"] == [116.442, 39.983]


def test_bases_filtered_by_type_city_and_bbox(imported, client):
    def names(query):
        return sorted(f["properties"]["name"] for f in client.get(f"/api/v1/map/bases?{query}").get_json()["features"])

    assert names("type=botanical_garden") == ["国家植物园（北园）"]
    assert names("city=上海") == ["上海科技馆"]
    assert names("bbox=115.4,39.4,117.5,41.1") == ["中国科学技术馆", "国家植物园（北园）"]  # Beijing
    assert client.get("/api/v1/map/bases?bbox=1,2,3").status_code == 422
    assert names("bbox=117.5,39.4,115.4,41.1") == []  # inverted: nothing inside
    assert client.get("/api/v1/map/bases?type=castle").status_code == 422


def test_map_page_lists_bases_and_base_page(imported, client):
    page = client.get("/science/map?city=北京").get_data(as_text=True)
    assert "中国科学技术馆" in page and "上海科技馆" not in page
    assert 'data-outline-url="/static/science/china-provinces.geojson' in page
    from webapp.science.models import ScienceBase

    base = ScienceBase.query.filter_by(name="上海科技馆").one()
    assert "世纪大道2000号" in client.get(f"/science/bases/{base.id}").get_data(as_text=True)


def test_only_staff_edit_bases(imported, client, login, post_form, make_member, make_staff):
    from webapp.science.models import ScienceBase

    base = ScienceBase.query.filter_by(name="上海科技馆").one()
    login(client, make_member())
    assert client.get(f"/science/bases/{base.id}/edit").status_code == 403
    other = client.application.test_client()
    login(other, make_staff())
    data = {"name": "上海科技馆", "type": "科技馆", "province": "上海市", "city": "上海", "address": "世纪大道2000号",
            "lon": "121.5424", "lat": "31.2188", "opening_hours": "9:00-17:15", "phone": "", "website": "ftp://x",
            "description": ""}
    resp = post_form(other, f"/science/bases/{base.id}/edit", data)
    assert resp.status_code == 422 and "http://" in resp.get_data(as_text=True)
    resp = post_form(other, f"/science/bases/{base.id}/edit", {**data, "website": "https://www.sstm.org.cn"})
    assert resp.status_code == 302 and base.website == "https://www.sstm.org.cn"


# ---------------------------------------------------------------- API

def test_api_write_submit_review_publish(science, client, auth_headers):
    author, editor = auth_headers(science.author), auth_headers(science.editor)
    cats = client.get("/api/v1/articles/categories").get_json()["items"]
    policy = next(c for c in cats if c["name"] == "政策解读")
    resp = client.post("/api/v1/articles", headers=author, json={
        "title": "解读新修订的科学技术进步法", "summary": "要点", "body": "新修订的科学技术进步法于2022年1月1日起施行。" * 2,
        "category_id": policy["id"], "tags": ["科技政策"]})
    assert resp.status_code == 201, resp.get_json()
    article = resp.get_json()
    assert article["state"] == "draft" and article["tags"] == ["科技政策"]
    assert client.get(f"/api/v1/articles/{article['id']}").status_code == 404
    bad = client.post("/api/v1/articles", headers=author, json={"title": "短", "body": "", "category_id": 999})
    assert bad.status_code == 422 and {"title", "body"} <= set(bad.get_json()["error"]["fields"])
    assert client.post(f"/api/v1/articles/{article['id']}/review", headers=editor,
                       json={"decision": "approve"}).status_code == 409  # not submitted
    assert client.post(f"/api/v1/articles/{article['id']}/submit", headers=author).get_json()["state"] == "submitted"
    assert client.post(f"/api/v1/articles/{article['id']}/review", headers=author,
                       json={"decision": "approve"}).status_code == 403
    resp = client.post(f"/api/v1/articles/{article['id']}/review", headers=editor,
                       json={"decision": "approve", "comment": "好文章"})
    assert resp.status_code == 200 and resp.get_json()["state"] == "published"
    public = client.get(f"/api/v1/articles/{article['id']}").get_json()
    assert public["review_comment"] is None and public["body_html"].startswith("<p>")
    listed = client.get("/api/v1/articles?category=policy").get_json()
    assert [i["id"] for i in listed["items"]] == [article["id"]]
    assert client.get("/api/v1/articles?tag=科技政策").get_json()["total"] == 1
    assert client.get("/api/v1/articles?tag=天文").get_json()["total"] == 0


# ---------------------------------------------------------------- recommendations

def test_recommendations_from_disciplines_and_reading_history(science, client, make_user, auth_headers, login):
    from webapp.extensions import db

    reader = make_user("astro_fan", discipline_tags=["天文学"])
    star = science.article(title="恒星是怎样发光的", tags=("天文", "恒星"))
    gene = science.article(title="基因剪刀 CRISPR 的原理", tags=("生物", "基因编辑"))
    more_gene = science.article(title="基因编辑婴儿为何违背伦理", tags=("基因编辑", "伦理"))
    science.article(title="草稿不推荐", state="draft", tags=("天文",))
    db.session.commit()
    items = client.get("/api/v1/recommendations", headers=auth_headers(reader)).get_json()["items"]
    assert items[0]["article"]["id"] == star.id and items[0]["reason"] == "因为你关注 天文学"
    assert "草稿不推荐" not in [i["article"]["title"] for i in items]
    # After reading about CRISPR, the other gene-editing article comes for that reason.
    login(client, reader)
    client.get(f"/science/articles/{gene.id}")
    items = client.get("/api/v1/recommendations", headers=auth_headers(reader)).get_json()["items"]
    reasons = {i["article"]["id"]: i["reason"] for i in items}
    assert gene.id not in reasons  # already read
    assert reasons[more_gene.id] == "因为你读过《基因剪刀 CRISPR 的原理》"
    assert "为你推荐" in client.get("/science/").get_data(as_text=True)
    assert client.get("/api/v1/recommendations").status_code == 401


def test_caches_serve_the_same_answers_and_clear_on_change(science, client, app, monkeypatch, make_staff, db):
    from webapp.science import services
    from webapp.science.services import cache

    monkeypatch.setitem(app.config, "SCIENCE_CACHE_SECONDS", 60)
    cache.clear()
    try:
        first = science.article(title="恒星是怎样发光的", tags=("天文",))
        services.save_base(science.editor, None, {"name": "北京天文馆", "type": "天文台", "city": "北京",
                                                  "lon": 116.33, "lat": 39.94})
        db.session.commit()
        assert len(client.get("/api/v1/map/bases").get_json()["features"]) == 1
        assert client.get("/api/v1/map/bases").get_json()["features"][0]["properties"]["url"].startswith("/science/")
        services.save_base(science.editor, None, {"name": "上海天文馆", "type": "天文台", "city": "上海",
                                                  "lon": 121.9, "lat": 30.9})
        db.session.commit()
        assert len(client.get("/api/v1/map/bases").get_json()["features"]) == 2  # cleared by the change
        second = science.article(title="行星是怎样形成的", tags=("天文",))
        page = client.get(f"/science/articles/{first.id}").get_data(as_text=True)
        assert "行星是怎样形成的" in page and "史瓦西半径" in page
        assert "#天文" in client.get("/science/").get_data(as_text=True)
        assert second.id
    finally:
        cache.clear()


def test_a_tile_server_is_admitted_by_the_map_pages_csp_only(client, app, monkeypatch, science):
    assert "tiles.example.org" not in client.get("/science/map").headers["Content-Security-Policy"]
    monkeypatch.setitem(app.config, "SCIENCE_TILE_URL", "https://{s}.tiles.example.org/{z}/{x}/{y}.png")
    resp = client.get("/science/map")
    assert "img-src 'self' https://*.tiles.example.org" in resp.headers["Content-Security-Policy"]
    assert 'data-tile-url="https://{s}.tiles.example.org/{z}/{x}/{y}.png"' in resp.get_data(as_text=True)
    assert "tiles.example.org" not in client.get("/science/").headers["Content-Security-Policy"]
