"""A session through the year: what bureaus, members and clerks have done by today."""

import random
import zlib
from collections import Counter, defaultdict
from datetime import date, timedelta

import cn2an
from django.db import models
from django.db.models import Q

from proposals.access import SYSTEM
from proposals.deadlines import add_months
from proposals.demo.letters import demo_letters, topic_of
from proposals.demo.seven import DEMO_PROPOSALS
from proposals.derived import changes, service
from proposals.models import (
    Assignment,
    Body,
    Bureau,
    BureauAlias,
    BureauOfficer,
    ExtensionRequest,
    Feedback,
    Grade,
    HandlingStatus,
    Proposal,
    Rehandling,
    Reply,
    RequestStatus,
    ReturnRequest,
    Session,
    Turn,
)
from proposals.rules import deadline_rules
from proposals.services import (
    LetterContent,
    assignment_create,
    co_handler_opinion_record,
    extension_decide,
    extension_request_create,
    feedback_record,
    proposal_close,
    reply_grade_decide,
    reply_publish,
    reply_review_done,
    reply_submit,
    return_decide,
    return_request_create,
)


class Fate(models.TextChoices):
    """Where a demo proposal stands today, and how it got there."""

    CLOSED = "closed", "按期答复，已反馈，已办结"
    RATED = "rated", "按期答复，已反馈，待办结"
    AWAITING_RATING = "awaiting_rating", "按期答复，待反馈"
    LATE = "late", "逾期答复"
    EXTENDED_ON_TIME = "extended_on_time", "延期后按新期限答复"
    REVIEW = "review", "承办单位在线答复，待审核"
    REHANDLED = "rehandled", "不满意，重新办理后再次答复"
    REHANDLING_DUE_SOON = "rehandling_due_soon", "不满意，重新办理中，即将到期"
    REHANDLING_OVERDUE = "rehandling_overdue", "不满意，重新办理超期"
    HANDLING = "handling", "办理中"
    OVERDUE = "overdue", "办理中，已超期"
    OVERDUE_EXTENDED = "overdue_extended", "延期后仍超期"
    DUE_SOON = "due_soon", "延期后即将到期"
    EXTENDED = "extended", "延期，未到期"
    EXTENSION_PENDING = "extension_pending", "再次申请延期，待审批"
    EXTENSION_PENDING_LATE = "extension_pending_late", "逾期后申请延期，待审批"
    RETURN_PENDING = "return_pending", "新增协办单位申请退回，待审批"
    RETURNED = "returned", "主办单位退回，待重新交办"
    RETURNED_REASSIGNED = "returned_reassigned", "退回后改交，已答复"
    CO_HANDLER_SILENT = "co_handler_silent", "协办单位未提出意见"


# A few of each situation a clerk meets, then shares of the rest (what is left is CLOSED).
# The requirement names what the proposal needs: "officer" a lead bureau with a login (a
# reply submitted online awaits review), "alone" no co-handler (returned, it is unassigned),
# "co" a co-handler.
FIXED_FATES = [
    (Fate.REVIEW, 4, "officer"),
    (Fate.RETURNED, 1, "alone"),
    (Fate.RETURNED_REASSIGNED, 2, None),
    (Fate.RETURN_PENDING, 2, None),
    (Fate.EXTENSION_PENDING, 2, None),
    (Fate.EXTENSION_PENDING_LATE, 1, None),
    (Fate.REHANDLED, 3, None),
    (Fate.REHANDLING_DUE_SOON, 2, None),
    (Fate.REHANDLING_OVERDUE, 1, None),
    (Fate.CO_HANDLER_SILENT, 2, "co"),
]
SHARED_FATES = [
    (Fate.OVERDUE, 0.03),
    (Fate.OVERDUE_EXTENDED, 0.03),
    (Fate.DUE_SOON, 0.025),
    (Fate.EXTENDED, 0.015),
    (Fate.LATE, 0.06),
    (Fate.EXTENDED_ON_TIME, 0.03),
    (Fate.AWAITING_RATING, 0.12),
    (Fate.RATED, 0.25),
]
# The grade a bureau proposes (A mostly), and how satisfied a member is with each.
GRADE_WEIGHTS = {"A": 60, "B": 30, "C": 10}
SATISFIED_SHARE = {"A": 0.9, "B": 0.7, "C": 0.35}

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯董程曹袁邓许傅沈彭吕苏蒋蔡贾丁魏薛叶"
)
GIVEN = "建国秀英伟芳静军勇艳杰娟涛明超霞平刚华玉兰红丽敏强志鹏宇浩凯晨阳欣怡佳琪海波东升卫康辉"
# Issuer abbreviations of document numbers (焦工信〔2026〕71号) where the short name is long.
ISSUER_ABBREVIATIONS = {
    "教育": "教",
    "公安": "公",
    "民政": "民",
    "财政": "财",
    "商务": "商",
    "水利": "水",
    "科技": "科",
    "发展改革": "发改",
    "自然资源规划": "自然资源",
    "城市管理": "城管",
    "市场监管": "市监",
    "医疗保障": "医保",
    "生态环境": "环",
    "农业农村": "农",
    "交通运输": "交",
    "应急管理": "应急",
}
FIRST_SECTIONS = ("一、主要开展工作及成效", "一、工作基本情况", "一、主要工作开展情况")
SECOND_SECTIONS = ("二、下步工作打算", "二、下步工作计划")
GRADE_SENTENCES = {
    "A": "经认真研究，您提出的建议已被{我局}采纳，相关工作正按计划推进。",
    "B": "您提出的建议{我局}已列入工作计划，将分步骤推进落实。",
    "C": "受政策和财力等条件限制，您提出的部分建议目前尚不具备全面实施的条件，"
    "我们将留作参考，积极创造条件逐步解决。",
}
# The closing sentences of the sample letters (fixtures/replies 000, 002, 003).
CLOSINGS = (
    "最后，非常感谢您对我们工作的关心，希望今后继续对我市{field}工作给予关注、支持，"
    "多提宝贵意见和建议。",
    "在此，再次感谢您对我们工作的关心和指导，欢迎以后继续对我市{field}工作给予关注、支持，"
    "一如既往地多提宝贵意见和建议。",
    "衷心感谢您对我们工作的关心和提出的良好建议，希望在今后的工作中继续给予关注和支持。",
)
COPIES = [("市政协提案委", 1), ("市政府督查室", 1)]
EXTENSION_REASONS = (
    "该提案涉及多个部门职能，需会同协办单位进一步研究论证，申请延期答复。",
    "提案所提项目资金尚待上级批复，为给出明确答复，申请延期。",
    "相关规划正在修编，提案所提事项需与规划衔接后答复，申请延期。",
)
RETURN_REASON_LEAD = "经认真研究，该提案所提事项不属于本单位职责范围，申请退回，建议改交{other}。"
RETURN_REASON_CO = "该提案所提事项不涉及本单位职能，本单位无法提出协办意见，申请退回。"
UNSATISFIED_COMMENTS = (
    "答复较为笼统，提案所提问题没有得到实质性解决，希望重新研究办理。",
    "答复没有针对提案提出的具体建议，未与本人沟通，希望再次办理。",
)
RATING_COMMENTS = ("", "", "答复认真，措施具体。", "希望进一步加大推进力度。")


class Infeasible(Exception):
    """A fate whose dates do not fit this proposal's deadlines as of today."""


def _name(seed: str) -> str:
    """A Chinese name that is always the same for `seed`."""
    rng = random.Random(seed)
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


class _Year:
    """What is read once for a session: deadlines, bureaus' short names and logins."""

    def __init__(self, session: Session, today: date) -> None:
        self.session, self.today = session, today
        self.rules = deadline_rules()
        self.letters = demo_letters()
        self.grades = {grade.code: grade for grade in Grade.objects.all()}
        self.short = {}
        for alias in BureauAlias.objects.order_by("bureau", "name"):
            known = self.short.get(alias.bureau_id)
            if known is None or len(alias.name) < len(known):
                self.short[alias.bureau_id] = alias.name
        self.officers = {
            officer.bureau_id: officer.user
            for officer in BureauOfficer.objects.select_related("user").order_by("pk")
            if officer.user.is_active
        }
        self.bureaus = Bureau.objects.in_bulk()
        # Which bureaus lead each category's proposals and which co-handle, most often first:
        # where a returned proposal goes, and who is added as a co-handler.
        leads, co_handlers = defaultdict(Counter), Counter()
        for category, bureau_id, role in Assignment.objects.filter(
            proposal__session=session
        ).values_list("proposal__category", "bureau_id", "role"):
            if role == Assignment.Role.LEAD:
                leads[category][bureau_id] += 1
            else:
                co_handlers[bureau_id] += 1
        self.leads = {category: [pk for pk, _ in c.most_common()] for category, c in leads.items()}
        self.co_handlers = [pk for pk, _ in co_handlers.most_common()]
        place = str(session)
        self.session_phrase = "市" + place.removeprefix(session.region) if session.region else place
        self.addressee = "委员" if session.body == Body.CPPCC else "代表"

    def short_name(self, bureau: Bureau) -> str:
        return self.short.get(bureau.pk, bureau.name)

    def actor_for(self, bureau: Bureau):
        """Who acts for a bureau: its officer's login if it has one, else the system."""
        return self.officers.get(bureau.pk, SYSTEM)


class _Story:
    """One proposal's year, told through the services. Every date is drawn from `rng`
    (seeded by the proposal's number) within what the deadlines allow; a fate that does not
    fit raises Infeasible before its first write, or inside a block that is rolled back."""

    def __init__(self, year: _Year, proposal: Proposal) -> None:
        self.year, self.proposal = year, proposal
        self.today = year.today
        self.rng = random.Random(proposal.number)
        assignments = list(proposal.assignments.all())
        self.lead = next(
            a for a in assignments if a.role == Assignment.Role.LEAD and a.returned_on is None
        )
        self.co = [a for a in assignments if a.role == Assignment.Role.CO_HANDLER]
        self.proposers = [link.member for link in proposal.proposer_links.all()]
        self.member = self.proposers[0] if self.proposers else None
        # Set once a 不满意 has opened re-handling: the next reply is the second round's.
        self.rehandling = False

    # Dates.

    @property
    def assigned_on(self) -> date:
        return self.lead.assigned_on

    @property
    def due_on(self) -> date:
        return self.lead.due_on

    @property
    def cap(self) -> date:
        return self.year.rules.extension_cap(self.lead.assigned_on)

    def day(self, first: date, last: date) -> date:
        """A day from `first` to `last`; Infeasible if there is none or it is after today."""
        last = min(last, self.today)
        if last < first:
            raise Infeasible
        return first + timedelta(days=self.rng.randint(0, (last - first).days))

    def day_any(self, first: date, last: date) -> date:
        """A day from `first` to `last`, today's future included."""
        if last < first:
            raise Infeasible
        return first + timedelta(days=self.rng.randint(0, (last - first).days))

    def after(self, start: date, days: int) -> date:
        return start + timedelta(days=days)

    # Bureaus.

    def opinions(self, until: date) -> int:
        """The co-handlers give their opinions to the lead bureau, by `until` if they can;
        returns how many did."""
        given = 0
        for assignment in self.co:
            if assignment.returned_on is not None or assignment.opinion_on is not None:
                continue
            start = self.after(assignment.assigned_on, 5)
            on = self.day(start, max(start, min(until, self.after(assignment.assigned_on, 35))))
            co_handler_opinion_record(
                assignment=assignment, on=on, actor=self.year.actor_for(assignment.bureau)
            )
            given += 1
        return given

    def grade(self, unsatisfied: bool = False) -> str:
        if unsatisfied:
            return self.rng.choice("BCC")
        return self.rng.choices(list(GRADE_WEIGHTS), weights=list(GRADE_WEIGHTS.values()))[0]

    def reply(self, on: date, grade: str, *, review: bool = False) -> Reply:
        """The lead bureau's reply letter of `on`; unless left for `review`, a clerk checks
        what a bureau submitted online and decides the grade (now and then not the one the
        bureau proposed)."""
        bureau = self.lead.bureau
        actor = self.year.actor_for(bureau)
        if review and actor is SYSTEM:
            raise Infeasible
        reply = reply_submit(
            proposal=self.proposal,
            bureau=bureau,
            content=self.letter(bureau, on, grade),
            actor=actor,
        )
        if review:
            return reply
        if reply.needs_review:
            reply_review_done(reply=reply, actor=SYSTEM)
        decided = None
        if grade != "C" and self.rng.random() < 0.06:
            decided = self.year.grades["B" if grade == "A" else "C"]
        return reply_grade_decide(reply=reply, grade=decided, actor=SYSTEM)

    def publish(self, reply: Reply, on: date) -> None:
        reply_publish(reply=reply, on=self.day(on, self.after(on, 7)), actor=SYSTEM)

    def extension(
        self, asked_on: date, to: date, *, decided_on: date | None = None, note: str = ""
    ) -> ExtensionRequest:
        """The lead bureau asks for `to`; a clerk approves on `decided_on` (None: pending)."""
        request = extension_request_create(
            assignment=self.lead,
            requested_due_on=to,
            reason=self.rng.choice(EXTENSION_REASONS),
            actor=self.year.actor_for(self.lead.bureau),
            today=asked_on,
        )
        if decided_on is not None:
            request = extension_decide(
                request=request,
                approve=True,
                actor=SYSTEM,
                today=decided_on,
                note=note or "同意延期，请抓紧办理，按新的期限答复提案人。",
            )
        return request

    def extension_in_time(self, to_first: date, to_last: date) -> None:
        """An extension asked for and approved before the due date, to a day in the range."""
        asked = self.day(
            max(self.after(self.assigned_on, 30), self.after(self.due_on, -20)),
            self.after(self.due_on, -3),
        )
        self.extension(
            asked,
            self.day_any(max(to_first, self.after(self.due_on, 1)), min(to_last, self.cap)),
            decided_on=self.after(asked, 2),
        )

    # Members and clerks.

    def rate(self, on: date, satisfaction: str, comment: str = "") -> Feedback:
        if self.member is None:
            raise Infeasible
        return feedback_record(
            proposal=self.proposal,
            member=self.member,
            satisfaction=satisfaction,
            source=Feedback.Source.MEMBER if self.rng.random() < 0.3 else Feedback.Source.PAPER,
            received_on=on,
            actor=SYSTEM,
            comment=comment,
        )

    def satisfaction(self, grade: str) -> str:
        if self.rng.random() < SATISFIED_SHARE[grade]:
            return Feedback.Satisfaction.SATISFIED
        return Feedback.Satisfaction.BASICALLY_SATISFIED

    def replied(
        self,
        *,
        last_reply: date,
        first_reply: date | None = None,
        rated_within: int | None = None,
        close: bool = False,
    ) -> None:
        """Replied (and published) between the first and last days; rated within
        `rated_within` days of the reply (None: not yet); closed a little after."""
        replied_on = self.day(first_reply or self.after(self.assigned_on, 20), last_reply)
        self.opinions(self.after(replied_on, -2))
        grade = self.grade()
        reply = self.reply(replied_on, grade)
        self.publish(reply, self.after(replied_on, 1))
        if rated_within is None:
            return
        # Closing follows the rating by a few days, so a proposal to close was rated by then.
        rated_on = self.day(
            self.after(replied_on, 7),
            min(self.after(replied_on, rated_within), self.after(self.today, -3 if close else 0)),
        )
        self.rate(rated_on, self.satisfaction(grade), self.rng.choice(RATING_COMMENTS))
        if close:
            proposal_close(
                proposal=self.proposal,
                on=self.day(self.after(rated_on, 3), self.after(rated_on, 30)),
                actor=SYSTEM,
            )

    def unsatisfied(self, rated_on: date) -> None:
        """Replied in time, rated 不满意 on `rated_on`: re-handling opens."""
        replied_on = self.day(
            self.after(self.assigned_on, 20), min(self.due_on, self.after(rated_on, -10))
        )
        self.opinions(self.after(replied_on, -2))
        reply = self.reply(replied_on, self.grade(unsatisfied=True))
        self.publish(reply, self.after(replied_on, 1))
        self.rate(
            rated_on, Feedback.Satisfaction.NOT_SATISFIED, self.rng.choice(UNSATISFIED_COMMENTS)
        )

    # The letter.

    def letter(self, bureau: Bureau, on: date, grade: str) -> LetterContent:
        """A reply letter as the sample letters are written: the proposal's title, body
        paragraphs from fixtures/demo_letters for its category, contacts and copies."""
        year, proposal, rng = self.year, self.proposal, self.rng
        handling_round = 2 if self.rehandling else 1
        we = "我委" if bureau.name.endswith("委员会") else "我局"
        short = year.short_name(bureau)
        stem = short.removeprefix("市").removesuffix("局").removesuffix("委")
        doc_number = (
            f"{(year.session.region or '市')[0]}{ISSUER_ABBREVIATIONS.get(stem, stem)}"
            f"〔{on.year}〕{rng.randint(20, 180)}号"
        )
        signer = _name(f"签发人{bureau.name}")
        officer = year.officers.get(bureau.pk)
        contact = (officer.first_name if officer else "") or _name(f"联系人{bureau.name}")
        phone = f"35{zlib.crc32(bureau.name.encode()) % 100000:05d}"
        names = [m.name for m in self.proposers] or ["各位"]
        salutation = "、".join(names[:3]) + ("等" if len(names) > 3 else "") + year.addressee + "："
        title = proposal.title
        co_names = [
            year.short_name(a.bureau)
            for a in self.co
            if a.returned_on is None and a.bureau_id != bureau.pk
        ]
        studied = f"经与{'、'.join(co_names)}共同研究，" if co_names else ""
        if handling_round == 2:
            opening = (
                f"您对{we}关于第{proposal.number}号{proposal.kind}《{title}》答复的反馈意见收悉。"
                f"{we}对此高度重视，主要负责同志带队与您当面沟通，对提案再次进行了研究办理，"
                "现将有关情况答复如下："
            )
        else:
            opening = rng.choice(
                (
                    f"您提出的《{title}》收悉。{studied}现答复如下：",
                    f"您在{year.session_phrase}上提出的第{proposal.number}号{proposal.kind}"
                    f"《{title}》收悉，{studied}现答复如下：",
                    f"您提出的《{title}》已收悉。收到提案后，{we}高度重视，及时与您沟通，"
                    f"{studied}现将办理情况答复如下：",
                )
            )
        paragraphs = year.letters.get(proposal.category) or year.letters["通用"]
        work = rng.sample(paragraphs.work, k=min(len(paragraphs.work), rng.choice((2, 3))))
        topic = topic_of(title)

        def filled(text: str) -> str:
            return text.replace("{我局}", we).replace("{topic}", topic)

        body = [rng.choice(FIRST_SECTIONS)]
        body += [f"（{cn2an.an2cn(i)}）{filled(text)}" for i, text in enumerate(work, start=1)]
        body += [rng.choice(SECOND_SECTIONS), filled(rng.choice(paragraphs.plans))]
        closing = filled(GRADE_SENTENCES[grade]) + rng.choice(CLOSINGS).format(
            field=paragraphs.field
        )
        lines = [
            f"{bureau.name}文件",
            doc_number,
            f"签发人：{signer}",
            f"办理结果：{grade}",
            f"{bureau.name}对{year.session_phrase}第{proposal.number}号{proposal.kind}的答复",
            salutation,
            opening,
            *body,
            closing,
            bureau.name,
            _chinese_date(on),
            f"联系单位：{bureau.name}\n联系电话：{phone}\n联系人：{contact}",
            "抄送：" + "，".join(f"{name}（{n}份）" for name, n in COPIES) + "。",
            f"{bureau.name}办公室　　{_chinese_date(on)}印发",
        ]
        return LetterContent(
            values={
                "doc_number": doc_number,
                "signer": signer,
                "proposed_grade_id": grade,
                "grade_raw": grade,
                "reply_date": on,
                "text": "\n\n".join(lines),
                "printed_by": f"{bureau.name}办公室",
                "printed_on": on,
            },
            contacts=[(bureau.name, contact, phone)],
            cc=COPIES,
        )

    # The fates.

    def tell(self, fate: Fate) -> bool:
        """Make `fate` come true; return whether that wrote anything (a proposal still in
        handling, its co-handlers' opinions given, has nothing more to write)."""
        return getattr(self, f"_{fate.value}")() is not False

    def _handling(self) -> bool:
        if self.today < self.after(self.assigned_on, 10):
            return False
        return self.opinions(self.after(self.today, -1)) > 0

    def _co_handler_silent(self) -> bool:
        if not self.co:
            raise Infeasible
        return False

    def _overdue(self) -> bool:
        if self.due_on >= self.after(self.today, -7):
            raise Infeasible
        return self._handling()

    def _overdue_extended(self) -> None:
        if self.rng.random() < 0.35:
            # Asked for after the due date: approved with a reason, still counted late.
            asked = self.day(self.after(self.due_on, 2), self.after(self.due_on, 15))
            self.extension(
                asked,
                self.day(self.after(asked, 10), min(self.cap, self.after(self.today, -2))),
                decided_on=self.day(self.after(asked, 1), self.after(asked, 4)),
                note="相关项目须待上级批复，经研究同意延期；按期办复率仍按原期限计。",
            )
        else:
            self.extension_in_time(self.after(self.due_on, 7), self.after(self.today, -2))
        self._handling()

    def _due_soon(self) -> None:
        self.extension_in_time(self.after(self.today, 1), self.after(self.today, 13))
        self._handling()

    def _extended(self) -> None:
        self.extension_in_time(self.after(self.today, 15), self.cap)
        self._handling()

    def _extension_pending(self) -> None:
        self.extension_in_time(self.after(self.today, 3), self.after(self.today, 12))
        self._handling()
        # Asked again before the new due date: not late, waiting for a clerk.
        self.extension(
            self.day(self.after(self.today, -5), self.after(self.today, -1)),
            self.day_any(self.after(self.lead.due_on, 7), self.cap),
        )

    def _extension_pending_late(self) -> None:
        if self.due_on >= self.after(self.today, -7):
            raise Infeasible
        self._handling()
        self.extension(
            self.day(self.after(self.today, -6), self.after(self.today, -1)),
            self.day_any(self.after(self.today, 10), self.cap),
        )

    def _return_pending(self) -> None:
        """A clerk added a co-handler a few days ago; it asks to hand the assignment back."""
        assigned = {a.bureau_id for a in self.proposal.assignments.all()}
        spare = [pk for pk in self.year.co_handlers if pk not in assigned]
        if not spare:
            raise Infeasible
        self._handling()
        added_on = self.day(
            max(self.assigned_on, self.after(self.today, -9)), self.after(self.today, -3)
        )
        co = assignment_create(
            proposal=self.proposal,
            bureau=self.year.bureaus[self.rng.choice(spare[:3])],
            role=Assignment.Role.CO_HANDLER,
            assigned_on=added_on,
            actor=SYSTEM,
        )
        return_request_create(
            assignment=co,
            reason=RETURN_REASON_CO,
            actor=self.year.actor_for(co.bureau),
            today=self.day(self.after(added_on, 1), self.after(added_on, 4)),
        )

    def _return_lead(self, reassign: bool) -> Assignment | None:
        """The lead bureau asks to return the proposal soon after assignment; a clerk agrees
        and, if `reassign`, gives it to the bureau that most often leads its category."""
        others = [
            pk
            for pk in self.year.leads.get(self.proposal.category, [])
            if pk != self.lead.bureau_id and pk not in {a.bureau_id for a in self.co}
        ]
        if not others:
            raise Infeasible
        other = self.year.bureaus[others[0]]
        asked = self.day(self.after(self.assigned_on, 1), self.after(self.assigned_on, 6))
        request = return_request_create(
            assignment=self.lead,
            reason=RETURN_REASON_LEAD.format(other=self.year.short_name(other)),
            actor=self.year.actor_for(self.lead.bureau),
            today=asked,
        )
        request = return_decide(
            request=request,
            approve=True,
            actor=SYSTEM,
            today=self.day(self.after(asked, 1), self.after(asked, 3)),
            reassign_to=other if reassign else None,
            note="经核实，同意退回。",
        )
        return request.reassigned_to

    def _returned(self) -> None:
        if self.co:
            raise Infeasible
        self._return_lead(reassign=False)

    def _returned_reassigned(self) -> None:
        new = self._return_lead(reassign=True)
        self.lead = new
        self.replied(last_reply=new.due_on, rated_within=40)

    def _review(self) -> None:
        self.opinions(self.after(self.today, -14))
        replied_on = self.day(
            max(self.after(self.assigned_on, 20), self.after(self.today, -12)),
            self.after(self.today, -1),
        )
        self.reply(replied_on, self.grade(), review=True)

    def _awaiting_rating(self) -> None:
        self.replied(
            first_reply=max(self.after(self.assigned_on, 20), self.after(self.due_on, -30)),
            last_reply=min(self.due_on, self.after(self.today, -3)),
        )

    def _rated(self) -> None:
        self.replied(last_reply=min(self.due_on, self.after(self.today, -15)), rated_within=45)

    def _closed(self) -> None:
        self.replied(
            last_reply=min(self.due_on, self.after(self.today, -40)), rated_within=40, close=True
        )

    def _late(self) -> None:
        if self.due_on >= self.after(self.today, -5):
            raise Infeasible
        rated = self.rng.random() < 0.5
        self.replied(
            first_reply=self.after(self.due_on, 1),
            last_reply=self.after(self.today, -8 if rated else -2),
            rated_within=30 if rated else None,
        )

    def _extended_on_time(self) -> None:
        first_due = self.due_on
        self.extension_in_time(self.after(first_due, 10), self.after(self.today, -10))
        rated = self.rng.random() < 0.6
        self.replied(
            first_reply=self.after(first_due, 1),
            last_reply=min(self.lead.due_on, self.after(self.today, -8 if rated else -2)),
            rated_within=30 if rated else None,
            close=rated and self.rng.random() < 0.5,
        )

    def _rehandled(self) -> None:
        rated_on = self.day(self.after(self.assigned_on, 40), self.after(self.today, -60))
        self.unsatisfied(rated_on)
        self.rehandling = True
        due = Rehandling.objects.get(proposal=self.proposal).due_on
        replied_on = self.day(self.after(rated_on, 10), min(due, self.after(self.today, -15)))
        grade = self.rng.choice("AAB")
        reply = self.reply(replied_on, grade)
        self.publish(reply, self.after(replied_on, 1))
        rated_again = self.day(
            self.after(replied_on, 7), min(self.after(replied_on, 25), self.after(self.today, -3))
        )
        self.rate(rated_again, self.satisfaction(grade))
        if self.rng.random() < 0.5:
            proposal_close(
                proposal=self.proposal,
                on=self.day(self.after(rated_again, 3), self.after(rated_again, 20)),
                actor=SYSTEM,
            )

    def _rehandling_due_soon(self) -> None:
        due = self.after(self.today, self.rng.randint(2, 12))
        self.unsatisfied(add_months(due, -self.year.rules.rehandling_months))

    def _rehandling_overdue(self) -> None:
        due = self.after(self.today, -self.rng.randint(5, 25))
        self.unsatisfied(add_months(due, -self.year.rules.rehandling_months))


def _fates(proposals: list[Proposal], year: _Year) -> dict[int, Fate]:
    """Each proposal's fate by id: the fixed few first, to the first proposals (in an order
    shuffled by number) that meet their requirement, then the shares of the rest."""
    order = sorted(proposals, key=lambda p: zlib.crc32(f"demo-{p.number}".encode()))
    fates: dict[int, Fate] = {}

    def meets(proposal: Proposal, requirement: str | None) -> bool:
        assignments = list(proposal.assignments.all())
        co = [a for a in assignments if a.role == Assignment.Role.CO_HANDLER]
        lead = next(a for a in assignments if a.role == Assignment.Role.LEAD)
        if requirement == "officer":
            return lead.bureau_id in year.officers
        if requirement == "alone":
            return not co
        if requirement == "co":
            return bool(co)
        return True

    for fate, count, requirement in FIXED_FATES:
        chosen = [p for p in order if p.pk not in fates and meets(p, requirement)][:count]
        fates.update((p.pk, fate) for p in chosen)
    rest = [p for p in order if p.pk not in fates]
    start = 0
    for fate, share in SHARED_FATES:
        count = max(1, round(share * len(rest)))
        fates.update((p.pk, fate) for p in rest[start : start + count])
        start += count
    fates.update((p.pk, Fate.CLOSED) for p in rest[start:])
    return fates


def _untouched(proposals: list[Proposal]) -> set[int]:
    """Those of `proposals` nobody has acted on since assignment (ids): no reply, request,
    opinion, return, feedback or closing."""
    ids = [p.pk for p in proposals if p.closed_on is None]
    acted = set(Reply.objects.filter(proposal__in=ids).values_list("proposal_id", flat=True))
    acted |= set(Feedback.objects.filter(proposal__in=ids).values_list("proposal_id", flat=True))
    acted |= set(
        Assignment.objects.filter(proposal__in=ids)
        .filter(
            Q(returned_on__isnull=False)
            | Q(opinion_on__isnull=False)
            | Q(extension_requests__isnull=False)
            | Q(return_requests__isnull=False)
        )
        .values_list("proposal_id", flat=True)
    )
    return set(ids) - acted


@service
def demo_session_advance(*, session: Session, today: date, limit: int | None = None) -> Counter:
    """Take the session's imported proposals through the year as of `today`; return how
    many were moved on (something written), by fate.

    The demo proposals (901–907), proposals answered by an imported letter, and those
    without a dated lead assignment are left alone; so is every proposal someone has acted
    on since assignment, which makes a second run change nothing. `limit`: only the first
    so many proposals by number (tests). The same proposals get the same fates and dates
    on every run: all choices are seeded by the proposal's number.
    """
    year = _Year(session, today)
    answered_by_letter = Reply.objects.exclude(source_sha256="").values("proposal_id")
    proposals = [
        p
        for p in Proposal.objects.filter(session=session, disposition=Proposal.Disposition.FILED)
        .exclude(number__in=[row[0] for row in DEMO_PROPOSALS])
        .exclude(pk__in=answered_by_letter)
        .prefetch_related("assignments__bureau", "proposer_links__member")
        .order_by("number")
        if any(
            a.role == Assignment.Role.LEAD and a.assigned_on is not None
            for a in p.assignments.all()
        )
    ][:limit]
    fates = _fates(proposals, year)
    untouched = _untouched(proposals)
    told = Counter()
    for proposal in proposals:
        if proposal.pk not in untouched:
            continue
        for fate in (fates[proposal.pk], Fate.AWAITING_RATING, Fate.HANDLING):
            try:
                with changes(isolated=True):
                    wrote = _Story(year, proposal).tell(fate)
            except Infeasible:
                continue
            if wrote:
                told[fate] += 1
            break
    return told


def demo_session_summary(session: Session, today: date) -> str:
    """One line on where the session's proposals stand: by status, with what needs doing."""
    proposals = Proposal.objects.filter(session=session)
    status = Counter(proposals.values_list("status", flat=True))
    turns = Counter(proposals.values_list("current_turn", flat=True))
    pending = {
        model: model.objects.filter(
            assignment__proposal__session=session, status=RequestStatus.PENDING
        ).count()
        for model in (ExtensionRequest, ReturnRequest)
    }
    ratings = Counter(
        Feedback.objects.filter(proposal__session=session).values_list("satisfaction", flat=True)
    )
    by_status = dict(HandlingStatus.choices)
    states = "、".join(f"{label} {status[value]}" for value, label in by_status.items())
    return (
        f"{session}：共 {proposals.count()} 件，{states}；"
        f"超期 {proposals.overdue(today).count()}、即将到期 {proposals.due_soon(today).count()}、"
        f"待审核答复 {turns[Turn.CLERK_REVIEW]}、重新办理中 {turns[Turn.REHANDLING]}；"
        f"待审批延期申请 {pending[ExtensionRequest]}、退回申请 {pending[ReturnRequest]}；"
        "反馈"
        + "、".join(f"{label} {ratings[value]}" for value, label in Feedback.Satisfaction.choices)
        + "。"
    )
