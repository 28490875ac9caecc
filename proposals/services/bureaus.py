"""Bureau names as letters write them (市工信局) resolved to the bureaus clerks keep, and
duplicates a clerk folds into the real bureau."""

import re

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Exists, OuterRef, Q

from proposals.access import require_clerk
from proposals.derived import service
from proposals.models import (
    Assignment,
    Bureau,
    BureauAlias,
    BureauOfficer,
    ExtensionRequest,
    HeldLetter,
    ImportRun,
    Proposal,
    Reply,
    ReturnRequest,
)

# The usual short forms of municipal and county bureau names, by the full name's ending.
STANDARD_SHORT_NAMES = {
    "工业和信息化局": ["工信局"],
    "发展和改革委员会": ["发展改革委", "发改委"],
    "发展和改革局": ["发改局", "发展改革局"],
    "自然资源和规划局": ["自然资源规划局", "自然资源局"],
    "科学技术局": ["科技局"],
    "人力资源和社会保障局": ["人社局", "人力资源社会保障局"],
    "住房和城乡建设局": ["住建局", "住房城乡建设局"],
    "文化广电和旅游局": ["文广旅局", "文化广电旅游局", "文旅局"],
    "卫生健康委员会": ["卫健委", "卫生健康委"],
    "市场监督管理局": ["市场监管局"],
    "城市管理局": ["城管局"],
    "应急管理局": ["应急局"],
    "医疗保障局": ["医保局"],
    "退役军人事务局": ["退役军人局"],
    "国有资产监督管理委员会": ["国资委"],
    "生态环境局": ["环境局"],
    "交通运输局": ["交通局"],
    "教育体育局": ["教体局"],
    "地方金融监督管理局": ["金融局", "金融工作局"],
    "政务服务和大数据管理局": ["大数据局", "政数局"],
    "人民政府办公室": ["政府办", "政府办公室"],
}
_FULL_BY_SHORT = {short: full for full, shorts in STANDARD_SHORT_NAMES.items() for short in shorts}
_LEVEL = re.compile(r"(?:自治区|自治州|自治县|特别行政区|省|市|州|盟|县|区|旗)$")


def level_prefix(region: str) -> str:
    """The word a region's own letters use for it: 市 for 焦作市, 县 for 修武县."""
    match = _LEVEL.search(region)
    return match.group(0) if match else ""


def canonical_key(region: str, name: str) -> str:
    """A bureau's name without its region and with short forms expanded, for matching."""
    key = re.sub(r"\s+", "", name)
    for prefix in (region, level_prefix(region)):
        if prefix and key.startswith(prefix):
            key = key[len(prefix) :]
            break
    return _FULL_BY_SHORT.get(key, key)


def short_names(region: str, full_name: str) -> list[str]:
    """The short forms letters of `region` use for `full_name` (焦作市工业和信息化局 → 市工信局)."""
    prefix = level_prefix(region)
    if not prefix or not full_name.startswith(region):
        return []
    key = canonical_key(region, full_name)
    return [prefix + key] + [prefix + short for short in STANDARD_SHORT_NAMES.get(key, [])]


# The first key of the PostgreSQL advisory locks taken while adding or renaming a region's
# bureaus (the second is the region's hash): a number of their own, apart from any other lock.
BUREAU_LOCK_SPACE = 0x42555245  # "BURE"


def lock_region(region: str) -> bool:
    """Hold, until the current transaction ends, the right to add or rename bureaus of `region`;
    returns whether a lock was taken.

    No constraint can say that 市工信局 and 焦作市工业和信息化局 are one bureau, so two imports
    meeting the two names at once would each add a row. Whoever adds or renames a bureau takes
    this lock first, then reads the region's bureaus again. On PostgreSQL it is an advisory
    lock held to the end of the transaction, so the next holder, whose reads start after it
    is granted, sees the rows the last one committed. On SQLite every write transaction holds
    the database's single write lock from its start (IMMEDIATE, tracker.settings): there is
    nothing more to take, and reading again is enough.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("bureaus are added within a transaction (a service, an import)")
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [BUREAU_LOCK_SPACE, region]
        )
    return True


class RegionLockNeeded(Exception):
    """A bureau must be added or renamed, and the directory may not take the region's lock
    now (BureauDirectory.may_lock): the caller starts a transaction for it."""


def _is_full(region: str, name: str) -> bool:
    return bool(region) and name.startswith(region)


class BureauDirectory:
    """The bureaus of each region by every name letters use for them, read once per region.

    Callers that roll back a transaction must drop the directory: it may hold rows that
    the rollback removed.

    `may_lock`: whether `resolve` may take a region's lock (lock_region) when it must add or
    rename a bureau; when False it raises RegionLockNeeded instead (on PostgreSQL, where there
    is a lock to take). An importer allows it only before its transaction has written
    anything. `locked`: whether it took one since `transaction_begins()`.
    """

    def __init__(self) -> None:
        self._regions: dict[str, dict[str, Bureau]] = {}
        # Regions read in the current transaction under their lock: as committed, for good.
        self._current: set[str] = set()
        self.may_lock = True
        self.locked = False

    def transaction_begins(self) -> None:
        self.locked = False
        self._current.clear()

    def _index(self, region: str) -> dict[str, Bureau]:
        if region not in self._regions:
            index: dict[str, Bureau] = {}
            # A bureau under its full name first, then the oldest: should a region hold the
            # same bureau twice (市教育局 beside 洛阳市教育局, until a clerk merges them), every
            # name means the full one, which is never renamed.
            bureaus = sorted(
                Bureau.objects.filter(region=region).prefetch_related("aliases"),
                key=lambda bureau: (not _is_full(region, bureau.name), bureau.pk),
            )
            for bureau in bureaus:
                for name in [bureau.name, *(alias.name for alias in bureau.aliases.all())]:
                    index.setdefault(canonical_key(region, name), bureau)
            self._regions[region] = index
        return self._regions[region]

    def find(self, *, region: str, name: str) -> Bureau | None:
        """The bureau of `region` that `name` means, by full name, alias or standard short form."""
        return self._index(region).get(canonical_key(region, name))

    def resolve(self, *, region: str, name: str) -> Bureau:
        """The bureau `name` means in `region`; created and flagged for a clerk's review when unknown.

        A full name (starting with the region) that matches a bureau created earlier from a short
        form renames that bureau and keeps the short form as an alias. Adding or renaming is
        decided on the region's bureaus as committed, under the region's lock (lock_region), so
        imports running at once make one bureau of a short and a full name, whichever comes
        first. Must run within a transaction.
        """
        name = re.sub(r"\s+", "", name)
        is_full = _is_full(region, name)

        def settled(bureau: Bureau | None) -> bool:
            # Known, and not by a short name where the full one is now given.
            return bureau is not None and not (is_full and not _is_full(region, bureau.name))

        bureau = self.find(region=region, name=name)
        if settled(bureau):
            return bureau
        # To add or rename, decide on the region's bureaus as committed now, under its lock.
        if not self.may_lock and connection.vendor == "postgresql":
            raise RegionLockNeeded(region)
        self.locked |= lock_region(region)
        if region not in self._current:
            self._regions.pop(region, None)
            self._current.add(region)
        bureau = self.find(region=region, name=name)
        if bureau is None:
            bureau = Bureau.objects.create(region=region, name=name, needs_review=True)
        elif is_full and not _is_full(region, bureau.name):
            BureauAlias.objects.get_or_create(bureau=bureau, name=bureau.name)
            bureau.name = name
            bureau.save(update_fields=["name"])
        else:
            return bureau
        names = [name]
        if is_full:
            known = set(bureau.aliases.values_list("name", flat=True))
            shorts = [short for short in short_names(region, name) if short not in known]
            BureauAlias.objects.bulk_create(BureauAlias(bureau=bureau, name=s) for s in shorts)
            names += shorts
        index = self._index(region)
        for known_name in names:
            index.setdefault(canonical_key(region, known_name), bureau)
        return bureau


# Every row that points at a bureau, by what a clerk calls it: what a merge moves. Extension and
# return requests, contacts and carbon copies hang on assignments and replies and move with
# them; a proposal's lead and turn bureau are derived from its assignments.
BUREAU_REFERENCES: list[tuple[str, type, str]] = [
    ("交办", Assignment, "bureau"),
    ("答复", Reply, "bureau"),
    ("工作人员账号", BureauOfficer, "bureau"),
    ("待补全来函", HeldLetter, "bureau"),
    ("答复函导入", ImportRun, "bureau"),
    ("下级单位", Bureau, "parent"),
]
# Rows whose history is kept: moved one by one, so that their history records the merge.
_TRACKED = (Assignment, Reply)


def bureau_references(bureau: Bureau) -> dict[str, int]:
    """How many rows of each kind a merge of `bureau` would move, by label; kinds with none
    are left out. Its name and aliases count as 名称与简称."""
    counts = {
        label: model.objects.filter(**{field: bureau}).count()
        for label, model, field in BUREAU_REFERENCES
    }
    counts["延期申请"] = ExtensionRequest.objects.filter(assignment__bureau=bureau).count()
    counts["退回申请"] = ReturnRequest.objects.filter(assignment__bureau=bureau).count()
    counts["名称与简称"] = 1 + bureau.aliases.count()
    return {label: count for label, count in counts.items() if count}


def _shared_proposals(duplicate: Bureau, into: Bureau) -> list[Proposal]:
    """Proposals both bureaus are assigned, or both replied to in the same round: one bureau
    cannot hold two assignments of a proposal or two replies of a round."""
    assigned = Assignment.objects.filter(bureau=duplicate, proposal__assignments__bureau=into)
    replied = Reply.objects.filter(bureau=duplicate).filter(
        Exists(
            Reply.objects.filter(
                bureau=into, proposal=OuterRef("proposal"), round=OuterRef("round")
            )
        )
    )
    shared = Q(pk__in=assigned.values("proposal")) | Q(pk__in=replied.values("proposal"))
    return list(Proposal.objects.filter(shared).select_related("session"))


@service
def bureau_merge(*, duplicate: Bureau, into: Bureau, actor) -> Bureau:
    """Fold `duplicate` into `into` and delete it; returns `into`.

    The duplicate's name and aliases become aliases of `into`, so later letters naming it
    resolve to `into`; every row pointing at it (BUREAU_REFERENCES) points at `into`.
    Raises OutsideRemit for anyone but a clerk, and ValidationError, changing nothing, when
    the two are one bureau, are of different regions, or share a proposal.
    """
    require_clerk(actor, "合并承办单位")
    if duplicate.pk == into.pk:
        raise ValidationError(f"不能把{duplicate}合并到它自己。")
    if duplicate.region != into.region:
        raise ValidationError(
            f"{duplicate}（{duplicate.region or '地区不详'}）与{into}（{into.region or '地区不详'}）"
            "不在同一地区，不能合并。"
        )
    shared = _shared_proposals(duplicate, into)
    if shared:
        raise ValidationError(
            f"{duplicate}和{into}都承办了{'、'.join(map(str, shared))}（或同一轮都有答复），"
            "合并后同一件会有两项交办或同一轮两份答复。请先退回或删除其中一项，再合并。"
        )

    known = {into.name, *into.aliases.values_list("name", flat=True)}
    names = dict.fromkeys([duplicate.name, *duplicate.aliases.values_list("name", flat=True)])
    BureauAlias.objects.bulk_create(
        BureauAlias(bureau=into, name=name) for name in names if name not in known
    )

    # `into` cannot stay under the duplicate, which would make it its own parent: it takes
    # the duplicate's place.
    if into.parent_id == duplicate.pk:
        into.parent_id = duplicate.parent_id if duplicate.parent_id != into.pk else None
        into.save(update_fields=["parent"])

    reason = f"承办单位“{duplicate.name}”并入“{into.name}”"
    for model in _TRACKED:
        # Past history entries name the bureau by id without a database constraint: pointed
        # at `into`, they stay readable once the duplicate is gone.
        model.history.filter(bureau_id=duplicate.pk).update(bureau_id=into.pk)
        for row in model.objects.filter(bureau=duplicate):
            row.bureau = into
            row._change_reason = reason  # simple-history's way to say why
            row.save(update_fields=["bureau"])
    for _, model, field in BUREAU_REFERENCES:
        if model not in _TRACKED:
            model.objects.filter(**{field: duplicate}).update(**{field: into})
    duplicate.delete()
    return into
