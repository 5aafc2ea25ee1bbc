"""Images of the portal: uploads resized and re-encoded with Pillow (which also drops EXIF,
GPS included), and the demo's cover pictures drawn locally."""

import io
import os

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError

MAX_SIDE = 1600  # px: wide enough for a 2x phone screen, small enough for a fast page
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
Image.MAX_IMAGE_PIXELS = 40_000_000  # refuse decompression bombs early


def resize_upload(uploaded, field="image", max_side=MAX_SIDE):
    """(ContentFile, width, height) of an uploaded picture, at most `max_side` px on its long
    side, re-encoded (JPEG, or PNG when it has transparency). Anything that is not a real
    image is refused with a message naming the field."""
    if uploaded.size and uploaded.size > MAX_UPLOAD_BYTES:
        raise ValidationError({field: _("Ảnh quá lớn: tối đa 10 MB.")})
    try:
        image = Image.open(uploaded)
        image.verify()
        uploaded.seek(0)
        image = Image.open(uploaded)
        if image.format not in ALLOWED_FORMATS:
            raise ValidationError({field: _("Chỉ nhận ảnh JPEG, PNG, WebP hoặc GIF.")})
        image = ImageOps.exif_transpose(image)
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise ValidationError({field: _("Tệp tải lên không phải là ảnh hợp lệ.")}) from None
    image.thumbnail((max_side, max_side), Image.LANCZOS)
    keeps_alpha = image.mode in ("RGBA", "LA") or (
        image.mode == "P" and "transparency" in image.info
    )
    out = io.BytesIO()
    base = os.path.splitext(os.path.basename(uploaded.name or "anh"))[0][:60] or "anh"
    if keeps_alpha:
        image.convert("RGBA").save(out, "PNG", optimize=True)
        name = f"{base}.png"
    else:
        image.convert("RGB").save(out, "JPEG", quality=85, optimize=True, progressive=True)
        name = f"{base}.jpg"
    return ContentFile(out.getvalue(), name=name), image.width, image.height


def font_path(bold=False):
    """A TrueType font with every Vietnamese letter: Source Sans Pro from the PyPI package
    font-source-sans-pro (so a fresh machine has it), else Debian's DejaVu Sans."""
    try:
        import font_source_sans_pro

        path = os.path.join(
            font_source_sans_pro.font_directory,
            "SourceSansPro-Bold.ttf" if bold else "SourceSansPro-Regular.ttf",
        )
        if os.path.exists(path):
            return path
    except ImportError:
        pass
    path = f"/usr/share/fonts/truetype/dejavu/DejaVuSans{'-Bold' if bold else ''}.ttf"
    return path if os.path.exists(path) else None


def _font(size, bold=False):
    path = font_path(bold)
    return ImageFont.truetype(path, size) if path else ImageFont.load_default()


def draw_cover(title, palette, size=(1200, 675), motif="houses"):
    """A flat illustrated cover (sky, a row of boarding houses or a meeting hall, the title
    band) as JPEG bytes. `palette` is (sky, ground, accent) RGB tuples."""
    sky, ground, accent = palette
    w, h = size
    img = Image.new("RGB", size, sky)
    draw = ImageDraw.Draw(img)
    for i in range(h // 2):  # a soft vertical gradient
        t = i / (h / 2)
        colour = tuple(int(c * (1 - 0.25 * t) + 255 * 0.25 * t) for c in sky)
        draw.line([(0, i), (w, i)], fill=colour)
    draw.rectangle([0, int(h * 0.62), w, h], fill=ground)
    draw.ellipse([w - 230, 60, w - 110, 180], fill=(255, 226, 140))
    if motif == "hall":
        draw.rectangle([w * 0.2, h * 0.3, w * 0.8, h * 0.62], fill=(240, 236, 228))
        draw.polygon([(w * 0.16, h * 0.3), (w * 0.5, h * 0.12), (w * 0.84, h * 0.3)], fill=accent)
        for k in range(6):
            x = w * 0.25 + k * w * 0.1
            draw.rectangle([x, h * 0.36, x + w * 0.03, h * 0.62], fill=(210, 200, 188))
    else:
        x = 40
        k = 0
        while x < w - 40:
            bw = 150 + (k * 37) % 60
            bh = 170 + (k * 53) % 110
            top = int(h * 0.62) - bh
            draw.rectangle(
                [x, top, x + bw, int(h * 0.62)], fill=(236, 230, 220) if k % 2 else (225, 215, 200)
            )
            draw.polygon([(x - 10, top), (x + bw / 2, top - 50), (x + bw + 10, top)], fill=accent)
            for r in range(2):
                for c in range(2):
                    wx = x + 22 + c * (bw - 70)
                    wy = top + 30 + r * 60
                    draw.rectangle([wx, wy, wx + 30, wy + 34], fill=(255, 214, 102))
            x += bw + 30
            k += 1
    band_top = int(h * 0.74)
    draw.rectangle([0, band_top, w, h], fill=(20, 40, 80))
    font = _font(44, bold=True)
    words, lines, line = title.split(), [], ""
    for word in words:
        trial = f"{line} {word}".strip()
        if draw.textlength(trial, font=font) > w - 80 and line:
            lines.append(line)
            line = word
        else:
            line = trial
    lines.append(line)
    y = band_top + 22
    for text in lines[:3]:
        draw.text((40, y), text, font=font, fill=(255, 255, 255))
        y += 54
    out = io.BytesIO()
    img.save(out, "JPEG", quality=82, optimize=True, progressive=True)
    return out.getvalue()
