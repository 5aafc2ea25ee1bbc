"""Builders of portal objects for the tests (unit and browser), through the services."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from binhyen import factories as f
from binhyen.org.scoping import Role
from binhyen.portal import services
from binhyen.portal.models import Category


def world():
    """HCMC (with its Linh Xuân ward union and a grassroots union) and the closed Mỹ Tho
    federation, each with a section; editors, an approver and the Linh Xuân police liaison."""
    gt = f.group_tree()
    root = f.superuser()
    hcm = services.create_section(
        root,
        unit=gt["hcm"],
        slug="ldld-tp-ho-chi-minh",
        title="Liên đoàn Lao động Thành phố Hồ Chí Minh",
        order=1,
    )
    mt = services.create_section(
        root,
        unit=gt["mt"],
        slug="ldld-tp-my-tho",
        title="Liên đoàn Lao động thành phố Mỹ Tho",
        order=2,
    )
    cats = {}
    for section in (hcm, mt):
        for i, name in enumerate(("Tin tức - Sự kiện", "Phòng chống tội phạm", "Pháp luật")):
            cats[(section.slug, name)] = services.save_category(root, section, name=name, order=i)
    users = {
        "editor": f.user(
            "bientap", Role.EDITOR, gt["hcm"], first_name="Lan", last_name="Nguyễn Thị"
        ),
        "approver": f.user("duyet", Role.APPROVER, gt["hcm"]),
        "mt_editor": f.user("bientap-mt", Role.EDITOR, gt["mt"]),
        "ward_editor": f.user("cd-phuong", Role.EDITOR, gt["ward_union"]),
        "police": f.user("congan-lx", Role.POLICE, None, wards=[f.area("26794")]),
        "stranger": f.user("nguoi-la"),
        "root": root,
    }
    return {"tree": gt, "hcm": hcm, "mt": mt, "cats": cats, "users": users}


def category(section, name="Tin tức - Sự kiện"):
    return Category.objects.get(section=section, name=name)


def article(
    section,
    title="Tin thử",
    *,
    category_name="Tin tức - Sự kiện",
    publish_at=None,
    published=True,
    body="<p>Nội dung bài viết thử.</p>",
    summary="Tóm tắt bài viết thử.",
    author="Thanh Tâm",
    actor=None,
    **fields,
):
    actor = actor or f.superuser()
    a = services.create_article(
        actor,
        section=section,
        category=category(section, category_name),
        title=title,
        summary=summary,
        body=body,
        author_name=author,
        **fields,
    )
    if published:
        a = services.publish_article(
            actor, a, publish_at=publish_at or timezone.now() - datetime.timedelta(minutes=5)
        )
    return a


def image_file(name="anh.jpg", size=(3000, 2000), fmt="JPEG", colour=(40, 90, 160)):
    buf = io.BytesIO()
    Image.new("RGB", size, colour).save(buf, fmt)
    return SimpleUploadedFile(name, buf.getvalue(), content_type=f"image/{fmt.lower()}")
