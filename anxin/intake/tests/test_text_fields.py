from anxin.intake.channels.text import extract_fields


def test_labelled_lines_are_read():
    text = "姓名：李娜\n电话: 139 1111 2222\n地址：上海市徐汇区漕溪北路595号\n型号：ZTP-108A"
    assert extract_fields(text) == {
        "name": "李娜",
        "phone": "139 1111 2222",
        "address": "上海市徐汇区漕溪北路595号",
        "model": "ZTP-108A",
    }


def test_labels_in_running_text_are_read_up_to_the_next_label():
    fields = extract_fields("昌尔特热水器漏水 地址：广东省东莞市虎门镇太沙路8号 电话：13544445555")
    assert fields["address"] == "广东省东莞市虎门镇太沙路8号"
    assert fields["phone"] == "13544445555"


def test_an_unlabelled_mobile_number_is_found():
    assert extract_fields("保险柜打不开，请联系13722223333，谢谢")["phone"] == "13722223333"
    assert extract_fields("+86 138-0013-8000 热水器坏了")["phone"] == "138-0013-8000"


def test_text_without_facts_gives_nothing():
    assert extract_fields("你好，在吗？") == {}
