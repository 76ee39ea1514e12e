def test_home_page_lists_every_section(client):
    html = client.get("/").get_data(as_text=True)
    for title in ("建言献策", "科技社区", "科普", "学术沙龙", "论文评审", "交流", "搜索"):
        assert title in html
    assert 'lang="zh-CN"' in html


def test_unbuilt_section_says_so(client):
    resp = client.get("/section/forum")
    assert resp.status_code == 200
    assert "正在建设中" in resp.get_data(as_text=True)
    assert client.get("/section/nope").status_code == 404


def test_no_cdn_in_pages(client):
    html = client.get("/").get_data(as_text=True)
    assert "cdn" not in html.lower()
    assert "/static/vendor/bootstrap-5.3.9/bootstrap.min.css" in html
