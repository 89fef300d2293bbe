from django.test import Client


def test_pages_are_chinese_by_default_and_english_on_request(db):
    chinese = Client().get("/repair/").content.decode()
    assert "在线报修" in chinese and 'lang="zh-hans"' in chinese
    client = Client()
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/repair/"}, follow=True)
    english = switched.content.decode()
    assert 'lang="en"' in english
    assert "在线报修" not in english
    assert "Mobile number" in english and "Submit repair request" in english


def test_an_english_browser_still_gets_chinese_until_the_user_switches(db):
    page = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").get("/repair/").content.decode()
    assert 'lang="zh-hans"' in page and "在线报修" in page
