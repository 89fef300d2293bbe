from anxin.evidence.detectors import editing_software
from anxin.evidence.detectors.base import EvidenceImage, Strength
from anxin.testing import evidence_photos as T


def test_it_flags_a_meitu_software_tag_as_medium(genuine_photo):
    data = T.encode(genuine_photo, exif=T.camera_exif(software="Meitu 10.2.0"))

    signal = editing_software.check(EvidenceImage(data))

    assert signal.strength == Strength.MEDIUM
    assert signal.finding == "editor"


def test_it_flags_a_chinese_editor_name_in_xmp(genuine_photo):
    xmp = '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description xmp:CreatorTool="美图秀秀 10.2"/></x:xmpmeta>'

    assert editing_software.check(EvidenceImage(T.encode(genuine_photo, xmp=xmp))).finding == "editor"


def test_it_flags_photoshop_as_xmp_creator_tool(genuine_photo):
    xmp = '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description xmp:CreatorTool="Adobe Photoshop 25.1"/></x:xmpmeta>'

    assert editing_software.check(EvidenceImage(T.encode(genuine_photo, xmp=xmp))).finding == "editor"


def test_it_flags_ai_generators_as_strong(genuine_photo):
    data = T.encode(genuine_photo, exif=T.camera_exif(software="Adobe Firefly Image 3"))

    assert editing_software.check(EvidenceImage(data)).strength == Strength.STRONG


def test_it_flags_generation_parameters_in_png_text(genuine_photo):
    data = T.encode(
        genuine_photo, "PNG", png_text={"parameters": "cracked washing machine, Steps: 30, Sampler: Euler a"}
    )

    assert editing_software.check(EvidenceImage(data)).finding == "generator_parameters"


def test_it_does_not_flag_phone_camera_firmware(genuine_photo):
    for firmware in ("HDR+ 1.0.540104767zd", "iOS 17.5", "ELS-AN00 4.0.0.160(C00E155R2P5)"):
        data = T.encode(genuine_photo, exif=T.camera_exif(software=firmware))

        assert editing_software.check(EvidenceImage(data)).strength == Strength.NONE
