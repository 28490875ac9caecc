"""Registers from the spreadsheets clerks keep: read, previewed with their column mapping,
then applied row by row through the same rules as the workbench.

Every row is one unit (a savepoint): a refused row names its sheet, row number and reason,
and the rows after it go on. Re-importing the same sheet changes nothing; a changed row is
an update listed field by field; what a clerk corrected on a proposal's page is kept.
"""

import difflib
import hashlib
import json
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from django.db.models import Prefetch
from django.utils import timezone

from proposals.access import require_clerk, user_or_none
from proposals.derived import changes, service
from proposals.importing import RACE_ATTEMPTS, lost_race, pause_before
from proposals.models import (
    Assignment,
    Body,
    Bureau,
    BureauAlias,
    Category,
    Member,
    Proposal,
    ProposalProposer,
    RegisterImport,
    RegisterKind,
    RegisterMapping,
    Sector,
    Session,
)
from proposals.models.imports import JobKind, JobStatus
from proposals.ownership import label
from proposals.registers.columns import automatic
from proposals.registers.rows import Row, missing_columns, read_rows
from proposals.registers.sheets import Unreadable, find_header, read_sheets
from proposals.services.bureaus import BureauDirectory
from proposals.services.handling import assignment_create, assignment_date_set
from proposals.services.imports import Upload, upload_store
from proposals.services.proposals import registration_save
from proposals.tasks import (
    actor_of,
    job_finish,
    job_queue,
    register_import_apply_job,
    register_import_preview_job,
)


class RowStatus:
    IMPORTED, UPDATED, UNCHANGED, REFUSED, SKIPPED = (
        "imported",
        "updated",
        "unchanged",
        "refused",
        "skipped",
    )
    LABELS = {
        "imported": "新增",
        "updated": "更新",
        "unchanged": "无变化",
        "refused": "拒收",
        "skipped": "跳过",
    }


@dataclass
class SheetPlan:
    """A sheet as it will be read: its header, the column mapping and its rows."""

    name: str
    headers: list[str]
    mapping: dict[int, str]
    rows: list[Row] = field(default_factory=list)
    problem: str = ""


@dataclass(frozen=True)
class Target:
    """Where the register's rows belong: its body, region and (for a 立案名单) session."""

    kind: str
    body: str
    region: str = ""
    session: Session | None = None
    assigned_on: date | None = None


def signature(headers: list[str]) -> str:
    return hashlib.sha256(json.dumps(headers, ensure_ascii=False).encode()).hexdigest()


def register_plan(
    *, data: bytes, file_name: str, kind: str, mappings: dict[str, dict[int, str]] | None = None
) -> list[SheetPlan]:
    """Each sheet of the file with the mapping given, the one a clerk confirmed before for the
    same headers, or the one its headers name. Raises ValidationError if it cannot be read."""
    try:
        sheets = read_sheets(data, file_name)
    except Unreadable as error:
        raise ValidationError(str(error)) from error
    plans = []
    for sheet in sheets:
        header = find_header(sheet, kind)
        if header is None:
            if any(any(cell != "" for cell in row) for row in sheet.rows):
                plans.append(
                    SheetPlan(sheet.name, [], {}, problem="找不到表头（没有可识别的列名）")
                )
            continue
        mapping = (mappings or {}).get(sheet.name) or _remembered(kind, header.texts)
        if mapping is None:
            mapping = automatic(kind, header.texts)
        plan = SheetPlan(sheet.name, header.texts, mapping)
        missing = missing_columns(kind, mapping)
        if missing:
            plan.problem = f"没有找到“{'”“'.join(missing)}”列，请在上面的表中指定"
        else:
            plan.rows = read_rows(sheet, header, mapping, kind)
        plans.append(plan)
    if not plans:
        raise ValidationError("文件中没有可读取的工作表。")
    return plans


def _remembered(kind: str, headers: list[str]) -> dict[int, str] | None:
    found = RegisterMapping.objects.filter(kind=kind, signature=signature(headers)).first()
    return {int(column): name for column, name in found.mapping.items()} if found else None


def mapping_remember(kind: str, plan: SheetPlan) -> None:
    RegisterMapping.objects.update_or_create(
        kind=kind,
        signature=signature(plan.headers),
        defaults={"headers": plan.headers, "mapping": plan.mapping, "saved_at": timezone.now()},
    )


@dataclass
class RowOutcome:
    sheet: str
    number: int
    status: str
    reason: str = ""
    changes: dict = field(default_factory=dict)  # label → [old, new]
    kept: dict = field(default_factory=dict)  # label → [clerk's value, register's value]

    def to_json(self) -> dict:
        return self.__dict__.copy()


@service
def register_apply(*, plans: list[SheetPlan], target: Target, actor) -> list[RowOutcome]:
    """Write every row through the register's rules; one savepoint per row."""
    require_clerk(actor, "导入名单")
    writer = _WRITERS[target.kind](target, actor)
    outcomes = []
    for plan in plans:
        for row in plan.rows:
            outcomes.append(_apply_row(writer, row))
    outcomes.extend(writer.finish())
    return outcomes


def _apply_row(writer, row: Row) -> RowOutcome:
    if row.skipped:
        return RowOutcome(row.sheet, row.number, RowStatus.SKIPPED, row.skipped)
    if row.refusal:
        return RowOutcome(row.sheet, row.number, RowStatus.REFUSED, row.refusal)
    try:
        with changes(isolated=True):
            return writer.write(row)
    except ValidationError as error:
        return RowOutcome(row.sheet, row.number, RowStatus.REFUSED, "；".join(error.messages))


def register_preview(*, plans: list[SheetPlan], target: Target, actor) -> list[RowOutcome]:
    """What register_apply would do, written in a transaction that is then rolled back."""
    with transaction.atomic():
        outcomes = register_apply(plans=plans, target=target, actor=actor)
        transaction.set_rollback(True)
    return outcomes


def _changed(instance, values: dict) -> dict:
    """Set `values` on `instance`; return label → [old, new] for those that differ."""
    changed = {}
    for name, value in values.items():
        old = getattr(instance, name)
        if old != value:
            changed[name] = [old, value]
            setattr(instance, name, value)
    return changed


def _shown(changed: dict) -> dict:
    return {label(name): [_text(old), _text(new)] for name, (old, new) in changed.items()}


def _text(value) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def _outcome(row: Row, created: bool, changed: dict, kept: dict | None = None) -> RowOutcome:
    status = (
        RowStatus.IMPORTED if created else RowStatus.UPDATED if changed else RowStatus.UNCHANGED
    )
    return RowOutcome(row.sheet, row.number, status, changes=_shown(changed), kept=kept or {})


def _closest(name: str, names: list[str]) -> str:
    near = difflib.get_close_matches(name, names, n=3, cutoff=0.4)
    return f"（最接近的：{'、'.join(near)}）" if near else ""


class _ListWriter:
    """类别 and 界别: one entry per row, in the sheet's order."""

    model = Category

    def __init__(self, target: Target, actor) -> None:
        self.target, self.position = target, 0

    def write(self, row: Row) -> RowOutcome:
        self.position += 1
        entry, created = self.model.objects.get_or_create(
            body=self.target.body, name=row.values["name"], defaults={"position": self.position}
        )
        changed = {} if created else _changed(entry, {"position": self.position})
        if changed:
            entry.save(update_fields=["position"])
        return _outcome(row, created, {k: v for k, v in changed.items() if k != "position"})

    def finish(self) -> list[RowOutcome]:
        return []


class _SectorWriter(_ListWriter):
    model = Sector


class _MemberWriter:
    """A roster: members by (body, region, name); a blank cell leaves the value as it is."""

    def __init__(self, target: Target, actor) -> None:
        self.target = target

    def write(self, row: Row) -> RowOutcome:
        values = {k: v for k, v in row.values.items() if v not in ("", None)}
        region = values.pop("region", self.target.region)
        member, created = Member.objects.get_or_create(
            body=self.target.body, region=region, name=values.pop("name"), defaults=values
        )
        changed = {} if created else _changed(member, values)
        if changed:
            member.full_clean()
            member.save()
        return _outcome(row, created, changed)

    def finish(self) -> list[RowOutcome]:
        return []


class _BureauWriter:
    """A bureau directory: full names, the short names letters use, and each one's parent.

    Parents are set once every row is in, so a parent may come after its children."""

    def __init__(self, target: Target, actor) -> None:
        self.target = target
        self.directory = BureauDirectory()
        self.parents: list[tuple[Row, Bureau, str]] = []

    def write(self, row: Row) -> RowOutcome:
        region = row.values.get("region") or self.target.region
        name = row.values["name"]
        bureau = self.directory.find(region=region, name=name)
        created = bureau is None
        changed = {}
        if created:
            bureau = self.directory.resolve(region=region, name=name)
            bureau.needs_review = False
            bureau.save(update_fields=["needs_review"])
        else:
            # The directory is the official list: its full name and the check it gives.
            changed = _changed(bureau, {"name": name, "needs_review": False})
            if changed:
                if "name" in changed:
                    BureauAlias.objects.get_or_create(bureau=bureau, name=changed["name"][0])
                bureau.full_clean()
                bureau.save()
        known = set(bureau.aliases.values_list("name", flat=True))
        added = [a for a in row.values.get("aliases", []) if a not in known and a != bureau.name]
        BureauAlias.objects.bulk_create(BureauAlias(bureau=bureau, name=a) for a in added)
        if added and not created:
            changed["aliases"] = [sorted(known), sorted(known | set(added))]
        if row.values.get("parent"):
            self.parents.append((row, bureau, region))
        changed.pop("needs_review", None)
        return _outcome(row, created, changed)

    def finish(self) -> list[RowOutcome]:
        refused = []
        for row, bureau, region in self.parents:
            name = row.values["parent"]
            parent = BureauDirectory().find(region=region, name=name)
            if parent is None:
                names = list(Bureau.objects.filter(region=region).values_list("name", flat=True))
                reason = f"上级单位“{name}”不在名录中{_closest(name, names)}"
                refused.append(RowOutcome(row.sheet, row.number, RowStatus.REFUSED, reason))
            elif bureau.parent_id != parent.pk:
                bureau.parent = parent
                bureau.save(update_fields=["parent"])
        return refused


class _ProposalWriter:
    """A session's 立案名单: proposals by number; proposers from the roster; optionally the
    lead and co-handling bureaus assigned on the session's assignment date."""

    def __init__(self, target: Target, actor) -> None:
        if target.session is None:
            raise ValidationError("导入立案名单须选择会议。")
        self.target, self.actor = target, actor
        self.session = target.session
        self.directory = BureauDirectory()
        self.seen: dict[int, int] = {}
        self.roster = {
            m.name: m
            for m in Member.objects.filter(body=self.session.body, region=self.session.region)
        }
        self.roster_kept = bool(self.roster)
        self.categories = list(
            Category.objects.filter(body=self.session.body).values_list("name", flat=True)
        )
        # The session's proposals with their proposers and assignments, read once.
        self.proposals = {
            p.number: p
            for p in Proposal.objects.filter(session=self.session).prefetch_related(
                Prefetch(
                    "proposer_links", queryset=ProposalProposer.objects.select_related("member")
                ),
                "assignments",
            )
        }

    def write(self, row: Row) -> RowOutcome:
        values = row.values
        number = values["number"]
        if number in self.seen:
            raise ValidationError(f"编号 {number} 与第 {self.seen[number]} 行重复")
        self.seen[number] = row.number
        category = values.get("category", "")
        if category and self.categories and category not in self.categories:
            raise ValidationError(
                f"类别“{category}”不在类别表中{_closest(category, self.categories)}"
            )
        proposers = self._proposers(values)
        lead, co_handlers = self._bureaus(values)
        proposal = self.proposals.get(number)
        created = proposal is None
        if created:
            proposal = Proposal(session=self.session, number=number)
        # A blank cell gives nothing: it leaves what the proposal has.
        wanted = {
            name: values[name]
            for name in ("title", "category", "is_key", "filed_on")
            if values.get(name) not in (None, "")
        }
        kept = {
            name: [getattr(proposal, name), value]
            for name, value in wanted.items()
            if name in proposal.corrected_fields and getattr(proposal, name) != value
        }
        changed = _changed(proposal, {k: v for k, v in wanted.items() if k not in kept})
        current = [] if created else [link.member for link in proposal.proposer_links.all()]
        new_proposers = None
        if proposers and [m.name for m in current] != [m.name for m in proposers]:
            if "proposers" in proposal.corrected_fields and not created:
                kept["proposers"] = [[m.name for m in current], [m.name for m in proposers]]
            else:
                changed["proposers"] = [[m.name for m in current], [m.name for m in proposers]]
                new_proposers = proposers
        if created or changed:
            registration_save(proposal, new_proposers, imported=True)
            if created:
                self.proposals[number] = proposal
        if lead:
            changed.update(self._assign(proposal, created, lead, co_handlers))
        return _outcome(row, created, changed, _shown(kept))

    def _proposers(self, values: dict) -> list[Member]:
        names = [n for n in [values.get("proposer", ""), *values.get("co_proposers", [])] if n]
        members = []
        for name in dict.fromkeys(names):
            member = self.roster.get(name)
            if member is None:
                if self.roster_kept:
                    raise ValidationError(
                        f"提出人“{name}”不在名册中{_closest(name, list(self.roster))}"
                    )
                member = Member.objects.create(
                    body=self.session.body, region=self.session.region, name=name
                )
                self.roster[name] = member
            members.append(member)
        sector = values.get("sector")
        if members and sector and not members[0].sector:
            field_name = "sector" if self.session.body == Body.CPPCC else "delegation"
            setattr(members[0], field_name, sector)
            members[0].save(update_fields=[field_name])
        return members

    def _bureaus(self, values: dict) -> tuple[Bureau | None, list[Bureau]]:
        if self.target.assigned_on is None or not values.get("lead_bureau"):
            return None, []
        region = self.session.region
        found = []
        for name in [values["lead_bureau"], *values.get("co_bureaus", [])]:
            bureau = self.directory.find(region=region, name=name)
            if bureau is None:
                names = list(Bureau.objects.filter(region=region).values_list("name", flat=True))
                raise ValidationError(f"承办单位“{name}”不在名录中{_closest(name, names)}")
            found.append(bureau)
        return found[0], [b for b in found[1:] if b != found[0]]

    def _assign(
        self, proposal: Proposal, created: bool, lead: Bureau, co_handlers: list[Bureau]
    ) -> dict:
        every = [] if created else list(proposal.assignments.all())
        # A bureau the sheet names that was assigned and has returned it is history the
        # register records, not a new assignment (the active assignment wins over it).
        existing = {a.bureau_id: a for a in sorted(every, key=lambda a: a.returned_on is None)}
        assigned = []
        for bureau, role in [(lead, Assignment.Role.LEAD)] + [
            (b, Assignment.Role.CO_HANDLER) for b in co_handlers
        ]:
            assignment = existing.get(bureau.pk)
            if assignment is None:
                every.append(
                    assignment_create(
                        proposal=proposal,
                        bureau=bureau,
                        role=role,
                        assigned_on=self.target.assigned_on,
                        actor=self.actor,
                        existing=every,
                    )
                )
                assigned.append(bureau.name)
            elif assignment.assigned_on is None:
                # Known from a reply letter: the register gives its date.
                assignment_date_set(
                    assignment=assignment, assigned_on=self.target.assigned_on, actor=self.actor
                )
                assigned.append(bureau.name)
        return {"assignments": [[], assigned]} if assigned else {}

    def finish(self) -> list[RowOutcome]:
        return []


_WRITERS = {
    RegisterKind.PROPOSALS: _ProposalWriter,
    RegisterKind.MEMBERS: _MemberWriter,
    RegisterKind.BUREAUS: _BureauWriter,
    RegisterKind.CATEGORIES: _ListWriter,
    RegisterKind.SECTORS: _SectorWriter,
}


def _target_of(run: RegisterImport) -> Target:
    return Target(
        run.kind, run.body, run.region, run.session, run.assigned_on if run.assign else None
    )


def _plans_of(run: RegisterImport) -> list[SheetPlan]:
    mappings = {
        sheet: {int(column): name for column, name in mapping.items() if name}
        for sheet, mapping in run.mapping.items()
    }
    with default_storage.open(run.stored.name, "rb") as file:
        data = file.read()  # at most MAX_FILE_BYTES: the upload handler stops a larger one
    return register_plan(data=data, file_name=run.file_name, kind=run.kind, mappings=mappings)


def _problems(plans: list[SheetPlan]) -> list[dict]:
    return [
        RowOutcome(plan.name, 0, RowStatus.REFUSED, plan.problem).to_json()
        for plan in plans
        if plan.problem
    ]


def register_import_upload(
    *,
    kind: str,
    body: str,
    region: str,
    session: Session | None,
    assigned_on: date | None,
    upload: Upload,
    actor,
) -> RegisterImport:
    """Keep an uploaded register and queue its preview job; return the run. Nothing else is
    written. Raises ValidationError for a 立案名单 without its session."""
    require_clerk(actor, "导入名单")
    if kind == RegisterKind.PROPOSALS and session is None:
        raise ValidationError("导入立案名单须选择会议。")
    path = upload_store("registers", upload)
    try:
        with transaction.atomic():
            run = RegisterImport.objects.create(
                kind=kind,
                body=session.body if session else body,
                region=session.region if session else region,
                session=session,
                assign=assigned_on is not None,
                assigned_on=assigned_on,
                file_name=upload.name,
                stored=path,
                created_by=user_or_none(actor),
            )
            job_queue(run, register_import_preview_job)
    except BaseException:
        default_storage.delete(path)
        raise
    return run


def register_import_preview(*, run: RegisterImport) -> RegisterImport:
    """The preview job's work: read the kept register with the run's column mapping and record
    what importing it would do, in a transaction that is rolled back; return the run.

    A register is one unit of work (a bureau's parent may come after it), so its progress is
    known at the end: the rows previewed. Raises ValidationError if the file cannot be read.
    """
    plans = _plans_of(run)
    run.headers = {plan.name: plan.headers for plan in plans}
    run.mapping = {plan.name: plan.mapping for plan in plans}
    actor = actor_of(run.created_by_id)
    outcomes = register_preview(plans=plans, target=_target_of(run), actor=actor)
    run.outcomes = [*_problems(plans), *(outcome.to_json() for outcome in outcomes)]
    with transaction.atomic():
        run.save(update_fields=["headers", "mapping", "outcomes"])
        job_finish(run, processed=len(outcomes), total=len(outcomes))
    return run


def register_import_remap(
    *, run: RegisterImport, mappings: dict[str, dict[int, str]], actor
) -> RegisterImport:
    """Keep the column mapping a clerk corrected and queue the preview again; return the run."""
    require_clerk(actor, "导入名单")
    for sheet, mapping in mappings.items():
        chosen = [name for name in mapping.values() if name]
        if len(chosen) != len(set(chosen)):
            raise ValidationError(f"工作表“{sheet}”中有两列选了同一个含义。")
    with transaction.atomic():
        run = _locked_preview(run)
        if run.job_status != JobStatus.DONE:
            raise ValidationError("预览尚未完成，完成后才能更正各列。")
        run.mapping = mappings
        run.save(update_fields=["mapping"])
        job_queue(run, register_import_preview_job)
    return run


def register_import_confirm(*, run: RegisterImport, actor) -> RegisterImport:
    """Queue the import of the register as previewed; return the run. Raises ValidationError
    if it was imported already, its import has begun or its preview is not ready."""
    require_clerk(actor, "导入名单")
    with transaction.atomic():
        run = _locked_preview(run)
        if run.job_status != JobStatus.DONE:
            raise ValidationError("预览尚未完成，完成后才能确认导入。")
        run.job_kind = JobKind.IMPORT
        job_queue(run, register_import_apply_job, user_or_none(actor) and actor.pk)
    return run


def register_import_retry(*, run: RegisterImport, actor) -> RegisterImport:
    """Queue again the run's job that failed or stalled; return the run."""
    require_clerk(actor, "导入名单")
    with transaction.atomic():
        run = RegisterImport.objects.select_for_update().get(pk=run.pk)
        if run.status == RegisterImport.Status.CONFIRMED:
            raise ValidationError("这份名单已经导入。")
        if not run.job_retriable:
            raise ValidationError("作业没有出错，无需重试。")
        if run.files_purged_at:
            raise ValidationError("上传的文件已过期清除，请重新上传。")
        if run.job_kind == JobKind.IMPORT:
            job_queue(run, register_import_apply_job, user_or_none(actor) and actor.pk)
        else:
            job_queue(run, register_import_preview_job)
    return run


def _locked_preview(run: RegisterImport) -> RegisterImport:
    run = RegisterImport.objects.select_for_update().get(pk=run.pk)
    if run.status != RegisterImport.Status.PREVIEW:
        raise ValidationError("这份名单已经导入。")
    if run.job_kind == JobKind.IMPORT:
        raise ValidationError("这份名单正在导入，进度见本页。")
    if run.files_purged_at:
        raise ValidationError("这次预览已过期，上传的文件已清除，请重新上传。")
    return run


def _register_write(run: RegisterImport, plans: list[SheetPlan], actor) -> None:
    with transaction.atomic():
        outcomes = register_apply(plans=plans, target=_target_of(run), actor=actor)
        for plan in plans:
            if not plan.problem:
                mapping_remember(run.kind, plan)
        run.outcomes = [*_problems(plans), *(outcome.to_json() for outcome in outcomes)]
        run.save(update_fields=["outcomes"])
        job_finish(
            run,
            status=RegisterImport.Status.CONFIRMED,
            confirmed_at=timezone.now(),
            processed=len(outcomes),
            total=len(outcomes),
        )


def register_import_apply(*, run: RegisterImport, actor) -> RegisterImport:
    """The import job's work: import the register as previewed, remember its column mapping
    for next time, delete the kept file; return the run. The register and its outcomes are
    one unit of work: a failure writes nothing, and a retry starts it again."""
    require_clerk(actor, "导入名单")
    plans = _plans_of(run)
    # Imports of letters may be adding the same members and bureaus meanwhile: a register that
    # loses such a race (a deadlock broken on PostgreSQL, SQLite's write lock held too long)
    # was rolled back whole and is written again, finding what the other wrote.
    for attempt in range(1, RACE_ATTEMPTS + 1):
        try:
            _register_write(run, plans, actor)
            break
        except DatabaseError as error:
            if attempt == RACE_ATTEMPTS or not lost_race(error):
                raise
            pause_before(attempt + 1)
    path = run.stored.name
    RegisterImport.objects.filter(pk=run.pk).update(stored="", files_purged_at=timezone.now())
    default_storage.delete(path)
    return run
