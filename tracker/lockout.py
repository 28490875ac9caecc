"""Login protection (django-axes) in the workbench's language: the lockout page, and the list
where a clerk sees who is locked out and unlocks them.

axes' own admin pages are in English and show three tables, so settings.AXES_ENABLE_ADMIN is off
and this module registers the one table a clerk needs.
"""

from datetime import timedelta

from axes.apps import AppConfig as AxesConfig
from django.conf import settings
from django.contrib import admin, messages
from django.core import checks
from django.db.models import OuterRef, Subquery, Sum
from django.shortcuts import render
from django.utils import timezone


class LoginProtectionConfig(AxesConfig):
    # axes ships no Chinese: its model's and fields' names are translated in locale/ (where
    # migrations cannot see them), the app's name here.
    verbose_name = "登录保护"

    def ready(self):
        super().ready()
        from axes.models import AccessAttempt

        admin.site.register(AccessAttempt, LoginFailureAdmin)
        checks.register(proxy_address_check, checks.Tags.security, deploy=True)


def proxy_address_check(app_configs=None, **kwargs) -> list[checks.Warning]:
    """Behind a proxy (SECURE_PROXY_SSL_HEADER set) every request comes from the proxy's
    address unless PROXY_COUNT says where the client's is: five typos anywhere would then
    lock everyone out."""
    behind_proxy = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    reads_forwarded = "HTTP_X_FORWARDED_FOR" in settings.AXES_IPWARE_META_PRECEDENCE_ORDER
    if behind_proxy and not reads_forwarded and "ip_address" in settings.AXES_LOCKOUT_PARAMETERS:
        return [
            checks.Warning(
                "SECURE_PROXY_SSL_HEADER is set but PROXY_COUNT is not: every sign-in seems to "
                "come from the proxy's address, so failed sign-ins anywhere lock out everyone.",
                hint="Set PROXY_COUNT to the number of proxies in front (nginx alone: 1).",
                id="tracker.W001",
            )
        ]
    return []


def cooloff() -> timedelta:
    return settings.AXES_COOLOFF_TIME


def lockout_response(request, original_response=None, credentials=None):
    """The page a refused sign-in gets (429): in Chinese, in the site's look, saying how long
    the lock lasts and who can lift it sooner."""
    context = {
        "minutes": int(cooloff().total_seconds() // 60),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "by_address": "ip_address" in settings.AXES_LOCKOUT_PARAMETERS,
    }
    return render(request, "lockout.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)


class LoginFailureAdmin(admin.ModelAdmin):
    """Failed sign-ins by user name and address. Deleting a row (解除锁定) unlocks: the
    lock is nothing but these counts. Rows past the lockout time no longer count and are
    removed at the next sign-in attempt."""

    list_display = ["username", "ip_address", "failures_since_start", "attempt_time", "state"]
    search_fields = ["username", "ip_address"]
    ordering = ["-attempt_time"]
    fields = ["username", "ip_address", "failures_since_start", "attempt_time", "state"]
    readonly_fields = fields
    actions = ["unlock"]

    def get_queryset(self, request):
        # A lock counts a user name's failures from every address and an address's failures
        # for every user name (settings.AXES_LOCKOUT_PARAMETERS): a row's state is its totals'.
        recent = self.model.objects.filter(attempt_time__gt=timezone.now() - cooloff())
        totals = {
            f"{field}_failures": Subquery(
                recent.filter(**{field: OuterRef(field)})
                .values(field)
                .annotate(total=Sum("failures_since_start"))
                .values("total")
            )
            for field in ("username", "ip_address")
        }
        return super().get_queryset(request).annotate(**totals)

    @admin.display(description="状态")
    def state(self, attempt):
        until = attempt.attempt_time + cooloff()
        if until <= timezone.now():
            return "已过期（不再计数）"
        counted = [
            getattr(attempt, f"{field}_failures") or 0
            for field in ("username", "ip_address")
            if field in settings.AXES_LOCKOUT_PARAMETERS
        ] or [attempt.failures_since_start]
        if max(counted) >= settings.AXES_FAILURE_LIMIT:
            return f"已锁定，至 {timezone.localtime(until):%H:%M}"
        return f"还可尝试 {settings.AXES_FAILURE_LIMIT - max(counted)} 次"

    @admin.action(description="解除锁定", permissions=["delete"])
    def unlock(self, request, queryset):
        unlocked = sorted({attempt.username or attempt.ip_address for attempt in queryset})
        queryset.delete()
        self.message_user(
            request, f"已解除锁定：{'、'.join(unlocked)}，可以立即重新登录。", messages.SUCCESS
        )

    def get_actions(self, request):
        # 解除锁定 is the delete, named for what it does; the stock 删除所选 would be a second
        # button for the same thing.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
