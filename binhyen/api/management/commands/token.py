"""`binhyen token USERNAME`: issue an API token and print it, once."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from binhyen.api import services
from binhyen.api.models import ApiToken


class Command(BaseCommand):
    help = (
        "Tạo token API mới cho người dùng và in ra một lần duy nhất (chỉ lưu mã băm). "
        "Dùng: binhyen token TÊN_ĐĂNG_NHẬP [--name TÊN]. Thu hồi: --revoke PHẦN_ĐẦU."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="tên đăng nhập của người dùng")
        parser.add_argument(
            "--name", default="", help="tên gợi nhớ của token, ví dụ “máy chủ báo cáo”"
        )
        parser.add_argument(
            "--revoke",
            metavar="PREFIX",
            help="thu hồi token của người dùng này có phần đầu PREFIX (như in khi tạo) thay vì tạo mới",
        )

    def handle(self, *args, username, name, revoke, **options):
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("Không có người dùng “%(u)s”.") % {"u": username})
        if revoke:
            tokens = list(
                ApiToken.objects.filter(user=user, prefix__startswith=revoke, revoked=False)
            )
            if len(tokens) != 1:
                raise CommandError(
                    _("Có %(n)d token đang hiệu lực của “%(u)s” bắt đầu bằng “%(p)s”; cần đúng 1.")
                    % {"n": len(tokens), "u": username, "p": revoke}
                )
            services.revoke_token(tokens[0])
            self.stdout.write(_("Đã thu hồi token %(t)s.") % {"t": tokens[0]})
            return
        try:
            token, key = services.issue_token(user, name=name)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stderr.write(
            _(
                "Token mới cho “%(u)s” (phần đầu %(p)s). Hãy lưu lại ngay: token sẽ không được hiển thị lại."
            )
            % {"u": username, "p": token.prefix}
        )
        self.stdout.write(key)
