"""Bureau names as letters write them (市工信局) resolved to the bureaus clerks keep."""

import re

from proposals.models import Bureau, BureauAlias

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


class BureauDirectory:
    """The bureaus of each region by every name letters use for them, read once per region.

    Callers that roll back a transaction must drop the directory: it may hold rows that
    the rollback removed.
    """

    def __init__(self) -> None:
        self._regions: dict[str, dict[str, Bureau]] = {}

    def _index(self, region: str) -> dict[str, Bureau]:
        if region not in self._regions:
            index: dict[str, Bureau] = {}
            for bureau in Bureau.objects.filter(region=region).prefetch_related("aliases"):
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
        form renames that bureau and keeps the short form as an alias.
        """
        name = re.sub(r"\s+", "", name)
        is_full = bool(region) and name.startswith(region)
        bureau = self.find(region=region, name=name)
        if bureau is None:
            bureau = Bureau.objects.create(region=region, name=name, needs_review=True)
        elif is_full and bureau.name != name and not bureau.name.startswith(region):
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
