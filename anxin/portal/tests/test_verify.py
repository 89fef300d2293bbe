from django.test import Client


def test_a_real_technician_number_is_confirmed_with_a_masked_name(technician):
    technician.user.display_name = "王师傅"
    technician.user.save()
    page = Client().get("/verify/?q=t1001").content.decode()
    assert 'data-genuine="yes"' in page and "王**" in page and technician.service_point.name in page


def test_an_inactive_technician_and_an_unknown_number_are_not_genuine(technician):
    technician.is_active = False
    technician.save()
    assert 'data-genuine="no"' in Client().get("/verify/?q=T1001").content.decode()
    assert 'data-genuine="no"' in Client().get("/verify/?q=T9999").content.decode()


def test_a_brand_hotline_is_recognised_in_any_format(brand):
    page = Client().get("/verify/?q=4008816088").content.decode()
    assert 'data-genuine="yes"' in page and brand.name in page


def test_the_platform_hotline_shown_on_the_home_page_is_recognised(db, settings):
    settings.ANXIN_HOTLINE = "400-820-1234"
    page = Client().get("/verify/?q=400 820 1234").content.decode()
    assert 'data-genuine="yes"' in page


def test_a_service_points_published_landline_is_recognised_with_or_without_separators(service_point):
    service_point.phone = "0571-8888 6666"
    service_point.save()
    page = Client().get("/verify/?q=057188886666").content.decode()
    assert 'data-genuine="yes"' in page and service_point.name in page
    assert 'data-genuine="yes"' in Client().get("/verify/?q=0571 88886666").content.decode()


def test_a_closed_service_points_number_or_a_bare_local_number_is_not_confirmed(service_point):
    service_point.phone = "0571-88886666"
    service_point.save()
    # Without the area code the number could be any city's.
    assert 'data-genuine="no"' in Client().get("/verify/?q=88886666").content.decode()
    service_point.is_active = False
    service_point.save()
    page = Client().get("/verify/?q=0571-88886666").content.decode()
    assert 'data-genuine="no"' in page and service_point.name in page
