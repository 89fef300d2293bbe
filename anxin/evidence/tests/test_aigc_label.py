import json

from anxin.evidence.detectors import aigc_label
from anxin.evidence.detectors.base import EvidenceImage, Strength
from anxin.testing import evidence_photos as T


def test_it_reads_the_label_from_a_png_text_chunk(other_photo):
    signal = aigc_label.check(EvidenceImage(T.aigc_png(other_photo)))

    assert signal.strength == Strength.STRONG
    assert signal.finding == "ai_label"
    assert signal.details["fields"]["ContentProducer"] == T.AIGC_FIELDS["ContentProducer"]
    assert signal.details["source"] == "png:AIGC"


def test_it_reads_the_label_from_png_xmp(other_photo):
    signal = aigc_label.check(EvidenceImage(T.aigc_png(other_photo, as_xmp=True)))

    assert signal.finding == "ai_label"
    assert signal.details["source"] == "xmp"


def test_it_reads_the_label_from_jpeg_xmp(other_photo):
    signal = aigc_label.check(EvidenceImage(T.aigc_jpeg(other_photo)))

    assert signal.strength == Strength.STRONG
    assert signal.details["fields"]["Label"] == "1"


def test_it_reads_the_label_from_webp_xmp(other_photo):
    signal = aigc_label.check(EvidenceImage(T.aigc_jpeg(other_photo, fmt="WEBP")))

    assert signal.finding == "ai_label"


def test_it_reads_the_label_from_heif_xmp(other_photo):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(other_photo[..., ::-1]).save(
        buffer, "HEIF", xmp=aigc_label.build_xmp(T.AIGC_FIELDS).encode()
    )

    image = EvidenceImage(buffer.getvalue())

    assert image.format == "HEIF"
    assert aigc_label.check(image).finding == "ai_label"


def test_it_reports_possibly_generated_labels(other_photo):
    fields = {**T.AIGC_FIELDS, "Label": "2"}

    signal = aigc_label.check(EvidenceImage(T.aigc_jpeg(other_photo, fields=fields)))

    assert signal.strength == Strength.STRONG
    assert "possibly" in signal.message


def test_it_treats_a_garbled_label_as_medium(other_photo):
    data = T.encode(other_photo, "PNG", png_text={"AIGC": "not json"})

    signal = aigc_label.check(EvidenceImage(data))

    assert signal.strength == Strength.MEDIUM
    assert signal.finding == "malformed_label"


def test_it_does_not_flag_a_label_without_a_known_label_value(other_photo):
    fields = {**T.AIGC_FIELDS, "Label": "9"}
    data = T.encode(other_photo, "PNG", png_text={"AIGC": json.dumps(fields)})

    assert aigc_label.check(EvidenceImage(data)).finding == "malformed_label"


def test_it_does_not_flag_a_plain_photo_or_unrelated_xmp(other_photo):
    unrelated = (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description xmp:Rating="5"/></rdf:RDF></x:xmpmeta>'
    )

    assert aigc_label.check(EvidenceImage(T.encode(other_photo))).strength == Strength.NONE
    assert aigc_label.check(EvidenceImage(T.encode(other_photo, xmp=unrelated))).strength == Strength.NONE


def _jpeg(pixels, **save_options) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(pixels[..., ::-1].copy()).save(buffer, "JPEG", **save_options)
    return buffer.getvalue()


def test_it_reads_the_label_from_exif_image_description(other_photo):
    from PIL import Image

    exif = Image.Exif()
    exif[0x010E] = "AIGC=" + json.dumps(T.AIGC_FIELDS)

    signal = aigc_label.check(EvidenceImage(_jpeg(other_photo, exif=exif.tobytes())))

    assert signal.finding == "ai_label"
    assert signal.details["source"] == "exif:ImageDescription"


def test_it_reads_the_label_from_a_unicode_exif_user_comment(other_photo):
    from PIL import Image

    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9286] = b"UNICODE\0" + json.dumps({"AIGC": T.AIGC_FIELDS}).encode("utf-16-le")

    signal = aigc_label.check(EvidenceImage(_jpeg(other_photo, exif=exif.tobytes())))

    assert signal.finding == "ai_label"
    assert signal.details["source"] == "exif:UserComment"


def test_it_reads_the_label_from_a_jpeg_comment_segment(other_photo):
    signal = aigc_label.check(EvidenceImage(_jpeg(other_photo, comment=json.dumps(T.AIGC_FIELDS).encode())))

    assert signal.finding == "ai_label"
    assert signal.details["source"] == "jpeg:COM"


def test_it_reads_the_label_from_avif_xmp(other_photo):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(other_photo[..., ::-1].copy()).save(
        buffer, "AVIF", xmp=aigc_label.build_xmp(T.AIGC_FIELDS).encode()
    )

    assert aigc_label.check(EvidenceImage(buffer.getvalue())).finding == "ai_label"


def test_a_camera_description_without_a_label_is_not_a_label(other_photo):
    from PIL import Image

    exif = Image.Exif()
    exif[0x010E] = "Label on the box, shot at the warehouse"

    assert aigc_label.check(EvidenceImage(_jpeg(other_photo, exif=exif.tobytes()))).finding == "absent"
