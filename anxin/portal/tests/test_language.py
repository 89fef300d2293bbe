from django.test import Client


def test_pages_are_chinese_by_default_and_english_on_request(db):
    chinese = Client().get("/repair/").content.decode()
    assert "在线报修" in chinese and 'lang="zh-hans"' in chinese
    client = Client()
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/repair/"}, follow=True)
    english = switched.content.decode()
    assert 'lang="en"' in english
    assert "在线报修" not in english, [l for l in english.splitlines() if "在线报修" in l]
    assert "Mobile number" in english and "Submit repair request" in english
